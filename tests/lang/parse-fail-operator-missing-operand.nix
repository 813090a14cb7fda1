# a binary operator without its right operand
1 +
