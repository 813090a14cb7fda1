# isInt is false for a whole float
builtins.isInt 1.0
