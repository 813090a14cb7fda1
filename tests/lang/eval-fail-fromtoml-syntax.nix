# fromTOML reports syntax errors
builtins.fromTOML "a = "
