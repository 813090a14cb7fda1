# every is-predicate applied to an integer
let v = 1; in [ (builtins.isAttrs v) (builtins.isBool v) (builtins.isFloat v) (builtins.isFunction v) (builtins.isInt v) (builtins.isList v) (builtins.isNull v) (builtins.isPath v) (builtins.isString v) ]
