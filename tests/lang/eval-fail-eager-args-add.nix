# `x + y` coerces a list `x` before it looks at `y`: `y` is never evaluated.
let
  f = x: y: x + y;
in
f [ 1 ] (throw "y must not be evaluated")
