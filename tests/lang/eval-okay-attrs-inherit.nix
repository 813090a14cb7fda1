# inherit copies variables into a set
let a = 1; b = 2; in { inherit a b; }
