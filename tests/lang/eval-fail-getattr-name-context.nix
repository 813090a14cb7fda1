# An attribute name may not refer to a store path: builtins.getAttr rejects a string with context.
builtins.getAttr "${builtins.toFile "name" "text"}" { }
