# inherit of a name that is also bound
let x = 1; in { inherit x; x = 2; }
