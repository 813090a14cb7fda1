# toJSON refuses built-in functions
builtins.toJSON [ builtins.map ]
