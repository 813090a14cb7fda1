# parseDrvName takes a string
builtins.parseDrvName { name = "a"; }
