# the type of int times float is float, even when the value is whole
builtins.typeOf (2 * 1.0)
