# ++, concatLists, concatMap, elem, any and all building and scanning lists of 100 000 elements.
let
  chunk = k: builtins.genList (i: k * 100 + i) 100;
  chunks = builtins.genList chunk 1000;
  flat = builtins.concatLists chunks;
  doubled = builtins.concatMap (x: [ x (x + 1) ]) flat;
  appended = builtins.foldl' (acc: c: acc ++ [ (builtins.head c) ]) [ ] chunks;
  probes = builtins.genList (i: i * 997) 300;
in
[
  (builtins.length flat)
  (builtins.length doubled)
  (builtins.length appended)
  (builtins.length (builtins.filter (p: builtins.elem p flat) probes))
  (builtins.all (x: x >= 0) doubled)
  (builtins.any (x: x == 99999) flat)
]
