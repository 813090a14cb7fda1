# Curried chains applied fully, partially, over-applied, through foldl' (two arguments at once), with formals after the chain, and with eager integer arguments.
let
  add3 = x: y: z: x * 100 + y * 10 + z;
  pair = a: b: [ a b ];
  mk = x: y: { p, q ? 1 }: x + y + p + q;
  twice = f: x: f (f x);
  sub1 = n: n - 1;
  p1 = add3 1;
  p2 = add3 1 2;
  ret = x: y: z: w: x + y + z + w;
in
[
  (add3 1 2 3)
  (p1 2 3)
  (p2 3)
  (p1 4 5)
  (p2 9)
  (builtins.foldl' pair 0 [ 1 2 ])
  (builtins.foldl' (a: b: a + b) 0 [ 1 2 3 ])
  (mk 1 2 { p = 3; })
  (mk 1 2 { p = 3; q = 4; })
  ((mk 1) 2 { p = 0; })
  (twice sub1 10)
  (ret 1 2 3 4)
  ((ret 1 2) 3 4)
  (((ret 1) 2 3) 4)
  (builtins.map (add3 1 2) [ 1 2 ])
  (let f = n: if n == 0 then 0 else f (n - 1); in f 100)
  (builtins.tryEval (add3 1 (throw "no") 3)).success
]
