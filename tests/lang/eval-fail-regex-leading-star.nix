# a quantifier with nothing to repeat
builtins.split "*a" "a"
