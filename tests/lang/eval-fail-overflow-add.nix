# integer addition that overflows 64 bits
9223372036854775807 + 1
