# An error raised by a map element forced through elemAt carries the call frames of the element
let f = x: throw "boom ${toString x}"; in builtins.elemAt (map f [ 1 2 ]) 1
