# a curried function applied to two arguments
(x: y: x * y) 3 4
