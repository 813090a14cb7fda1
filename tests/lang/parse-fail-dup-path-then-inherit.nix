# an inherited name clashing with a path, at the inherited name
let x = 1; in { x.y = 2; inherit x; }
