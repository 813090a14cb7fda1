# an unclosed repetition
builtins.match "a{1" "a"
