# elemAt with a negative index
builtins.elemAt [ 1 2 ] (-1)
