# elemAt does not evaluate other elements
builtins.elemAt [ (throw "x") 5 ] 1
