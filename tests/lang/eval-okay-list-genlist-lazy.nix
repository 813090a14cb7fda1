# genList does not evaluate the generator for unused elements
builtins.elemAt (builtins.genList (i: if i == 1 then 42 else throw "lazy") 3) 1
