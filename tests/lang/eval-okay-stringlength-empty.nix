# stringLength of the empty string
builtins.stringLength ""
