# typeOf a set with __functor is set
builtins.typeOf { __functor = self: x: x; }
