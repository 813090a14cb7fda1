# a failing assert is caught by tryEval
builtins.tryEval (assert false; 1)
