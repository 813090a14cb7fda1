# attribute selection binds tighter than application
let a = { f = x: x * 2; }; in a.f 21
