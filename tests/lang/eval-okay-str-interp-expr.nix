# interpolation of an arbitrary expression
"n = ${toString (1 + 2)}"
