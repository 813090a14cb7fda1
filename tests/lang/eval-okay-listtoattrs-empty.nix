# listToAttrs of the empty list
builtins.listToAttrs [ ]
