# builtins.listToAttrs rejects a name that refers to a store path.
builtins.listToAttrs [ { name = "${builtins.toFile "name" "text"}"; value = 1; } ]
