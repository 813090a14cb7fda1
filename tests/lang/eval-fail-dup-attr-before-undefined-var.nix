# Parse-time errors (a duplicate attribute) come before undefined variables, which are found only after parsing.
[ undefinedVariable { a = 1; a = 2; } ]
