# a __functor set can be passed to map
map { __functor = self: x: x * 3; } [ 1 2 ]
