# the right operand of && is not checked when the left is false
false && 1
