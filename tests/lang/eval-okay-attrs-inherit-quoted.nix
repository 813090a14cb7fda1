# inherit accepts a quoted name
let a = 3; in { inherit "a"; }
