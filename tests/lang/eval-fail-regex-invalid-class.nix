# an unknown character class
builtins.match "[[:nope:]]" "a"
