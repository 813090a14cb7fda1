# unused let bindings are not evaluated
let x = throw "not evaluated"; y = 3; in y
