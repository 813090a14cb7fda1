# listToAttrs keeps the first value for a repeated name
builtins.listToAttrs [ { name = "a"; value = "first"; } { name = "a"; value = "second"; } ]
