# fromJSON of a string holding a NUL
builtins.fromJSON "\"a\\u0000b\""
