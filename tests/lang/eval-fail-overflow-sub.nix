# integer subtraction that overflows 64 bits
-9223372036854775807 - 2
