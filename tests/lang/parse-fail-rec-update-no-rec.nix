# attributes of a set added with // are not visible by name
let s = { a = 1; } // { b = a; }; in s.b
