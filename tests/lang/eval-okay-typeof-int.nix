# typeOf an integer
builtins.typeOf 1
