# fromJSON of a float that overflows
builtins.fromJSON "[1e400]"
