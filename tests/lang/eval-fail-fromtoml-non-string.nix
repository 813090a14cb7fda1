# fromTOML takes a string
builtins.fromTOML { }
