# && with a non-Boolean right operand
true && 1
