# selecting a builtin that does not exist
builtins.noSuchBuiltin
