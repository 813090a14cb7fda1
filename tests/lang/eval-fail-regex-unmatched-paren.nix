# an unmatched closing parenthesis
builtins.match "a)" "a"
