# path + string is a path
builtins.typeOf (./a + "b")
