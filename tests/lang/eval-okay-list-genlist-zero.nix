# genList with length zero
builtins.genList (i: i) 0
