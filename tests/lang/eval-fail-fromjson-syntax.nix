# fromJSON reports the JSON parser's syntax error
builtins.fromJSON "{\"a\": [1, 2,]}"
