# `a > b` is `b < a`: the right operand is forced first.
(throw "left operand") > (throw "right operand forced first")
