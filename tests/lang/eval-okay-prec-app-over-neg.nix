# function application binds tighter than unary minus
- builtins.add 1 2
