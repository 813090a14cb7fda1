# a set with __functor can be called
let f = { v = 1; __functor = self: x: self.v + x; }; in f 2
