# listToAttrs element without a value
builtins.listToAttrs [ { name = "a"; } ]
