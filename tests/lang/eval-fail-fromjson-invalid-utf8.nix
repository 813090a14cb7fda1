# fromJSON of text that is not UTF-8
builtins.fromJSON "\"${builtins.substring 0 1 "é"}\""
