# inherit in rec takes the value from the enclosing scope
let x = 1; in rec { inherit x; y = x + 1; }
