# `a >= b` is `!(a < b)`: the left operand is forced first.
(throw "left operand forced first") >= (throw "right operand")
