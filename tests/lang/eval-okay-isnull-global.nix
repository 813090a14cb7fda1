# isNull is also available without the builtins prefix
isNull null
