# the largest 64-bit integer literal
9223372036854775807
