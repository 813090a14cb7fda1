# With --show-trace, a missing formal shows the enclosing call and then the call site.
let
  f = { a, b }: a;
  g = x: f { a = x; };
in g 2
