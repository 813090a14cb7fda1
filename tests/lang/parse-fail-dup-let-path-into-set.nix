# let bindings report nested duplicates with the whole path
let a = { b = 1; }; a.b = 2; in a
