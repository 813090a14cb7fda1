# builtins.sub forces both operands before checking their types.
builtins.sub "a" (throw "second operand forced first")
