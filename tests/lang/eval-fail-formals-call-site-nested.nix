# An argument set refused by a named function's formals is reported at the function, with the call site as a trace line.
let
  f = { a }: a;
  g = x: f { a = 1; b = x; };
in g 2
