# an integer literal beyond 64 bits
9223372036854775808
