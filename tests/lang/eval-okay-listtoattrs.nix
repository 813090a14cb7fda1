# listToAttrs builds a set from name/value pairs
builtins.listToAttrs [ { name = "a"; value = 1; } { name = "b"; value = 2; } ]
