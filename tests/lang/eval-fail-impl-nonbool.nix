# -> with a non-Boolean left operand
"x" -> true
