# listToAttrs element without a name
builtins.listToAttrs [ { value = 1; } ]
