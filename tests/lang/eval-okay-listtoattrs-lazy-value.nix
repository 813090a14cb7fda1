# listToAttrs does not evaluate values
(builtins.listToAttrs [ { name = "a"; value = throw "x"; } { name = "b"; value = 2; } ]).b
