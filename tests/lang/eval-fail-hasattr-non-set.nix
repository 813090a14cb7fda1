# hasAttr on a non-set
builtins.hasAttr "a" 1
