# a path through an inherited attribute
let x = 1; in { inherit x; x.y = 2; }
