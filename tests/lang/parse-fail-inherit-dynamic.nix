# inherit does not accept an interpolation
let n = "a"; in { inherit ${n}; }
