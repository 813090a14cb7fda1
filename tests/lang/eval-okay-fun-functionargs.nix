# functionArgs reports which formals have defaults
builtins.functionArgs ({ a, b ? 1, ... }: a)
