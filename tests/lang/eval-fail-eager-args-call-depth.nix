# Each level calls `f` with an argument that is itself a call of `f`: forced by the body, it runs
# one call level deeper than the call it is passed to, so 9000 levels need about 18000 calls
# deep and exceed the default max-call-depth (10000), even when the argument is computed early.
let
  f = x: if x == 0 then 0 else f (f (x - 1));
in
f 9000
