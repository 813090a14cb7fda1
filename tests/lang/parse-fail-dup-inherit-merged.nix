# an inherited attribute in a merged set
let x = 1; in { a = { inherit x; }; a.x = 2; }
