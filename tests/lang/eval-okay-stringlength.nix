# stringLength of an ASCII string
builtins.stringLength "hello"
