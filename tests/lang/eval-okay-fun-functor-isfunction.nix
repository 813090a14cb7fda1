# a set with __functor is not a function for isFunction
builtins.isFunction { __functor = self: x: x; }
