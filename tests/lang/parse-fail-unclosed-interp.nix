# an interpolation that is not closed
"a ${b"
