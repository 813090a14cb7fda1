# typeOf a builtin is lambda
builtins.typeOf builtins.head
