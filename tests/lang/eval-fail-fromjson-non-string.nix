# fromJSON takes a string
builtins.fromJSON 1
