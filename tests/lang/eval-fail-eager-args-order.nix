# `y < x` forces `y` first: the error is `y`'s, even though `x` comes first in the call.
let
  f = x: y: if y < x then 1 else 2;
in
f (throw "x is forced second") (throw "y is forced first")
