# rnix lexes `1.5e` differently: the error is still where CppNix finds it
let e = 1; in [ 1.5e +1 ]
