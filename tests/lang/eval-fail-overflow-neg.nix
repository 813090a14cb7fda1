# negating the smallest integer overflows
let m = -9223372036854775807 - 1; in -m
