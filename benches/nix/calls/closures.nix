# Higher-order calls: composition chains, partial application and closures over loop variables.
let
  compose = f: g: x: f (g x);
  inc = x: x + 1;
  twice = f: compose f f;
  pipeline = twice (twice (twice (twice inc)));
  adders = builtins.genList (k: x: x + k) 64;
  applyAll = x: builtins.foldl' (v: f: f v) x adders;
in
builtins.foldl' (acc: i: acc + pipeline i + applyAll i) 0 (builtins.genList (i: i) 20000)
