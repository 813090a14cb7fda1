# selecting from a set does not evaluate other attributes
let s = { a = 1; b = throw "b"; c = abort "c"; }; in s.a
