# a simple lambda applied
(x: x + 1) 1
