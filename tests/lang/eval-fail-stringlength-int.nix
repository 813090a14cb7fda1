# stringLength of an integer
builtins.stringLength 12
