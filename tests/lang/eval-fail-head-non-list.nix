# head of a set
builtins.head { }
