# genList builds a list from indices
builtins.genList (i: i * i) 5
