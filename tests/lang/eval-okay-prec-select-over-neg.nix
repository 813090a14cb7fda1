# selection binds tighter than unary minus
let a = { b = 4; }; in -a.b
