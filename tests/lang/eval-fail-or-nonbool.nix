# || with a non-Boolean right operand
false || 1
