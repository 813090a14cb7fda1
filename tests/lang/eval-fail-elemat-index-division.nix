# An arithmetic index that fails is reported when elemAt forces it, at the division
let n = 0; in builtins.elemAt [ 1 2 ] (1 / n)
