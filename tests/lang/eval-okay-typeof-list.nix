# typeOf a list
builtins.typeOf [ ]
