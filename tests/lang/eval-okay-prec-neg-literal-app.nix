# a negative number as a function argument needs parentheses
(x: x * 2) (-4)
