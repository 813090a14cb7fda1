# the smallest 64-bit integer, built by subtraction
-9223372036854775807 - 1
