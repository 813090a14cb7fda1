# the right operand of || is not checked when the left is true
true || "x"
