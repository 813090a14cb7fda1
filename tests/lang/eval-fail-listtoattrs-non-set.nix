# listToAttrs element that is not a set
builtins.listToAttrs [ 1 ]
