# __functor may itself be a set with __functor
let f = { __functor = { __functor = inner: self: x: x + 1; }; }; in f 1
