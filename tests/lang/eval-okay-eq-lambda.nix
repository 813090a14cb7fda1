# two lambdas are never equal
(x: x) == (x: x)
