# comparing two distinct cyclic sets fails with the stack overflow error instead of crashing
let x = { a = x; }; y = { a = y; }; in x == y
