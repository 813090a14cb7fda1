# 6/3 without spaces is a path literal, not a division
builtins.typeOf (6/3)
