# `x && y` forces `y` only when `x` is true; `x` fails first here.
let
  f = x: y: x && y;
in
f (throw "x") (throw "y")
