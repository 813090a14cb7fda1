# typeOf a float
builtins.typeOf 1.5
