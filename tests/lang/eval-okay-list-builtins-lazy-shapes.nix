# List builtins stay lazy in the elements and compare by value: map, genList, filter (kept in order), head, elemAt, elem, foldl'
let
  xs = builtins.genList (i: if i == 0 then throw "a" else i) 3;
  ms = map (x: throw "no") [ 1 2 ];
  n = 5;
  k = 2;
in
[
  (builtins.length ms)
  (builtins.elemAt xs 2)
  (builtins.elemAt xs (n - 1 - k - 1))
  (builtins.elemAt [ 10 20 30 ] (k * 1 - 1))
  (builtins.head (builtins.tail xs))
  (builtins.length (builtins.filter (x: true) [ (throw "kept") 1 ]))
  (builtins.elem 1 [ 1.0 ])
  (builtins.elem 1 [ 2 1 (throw "never") ])
  (builtins.elem 2.0 [ 1 2 ])
  (builtins.elem 3 [ "3" 3 ])
  (builtins.elem 4 (map (x: x * 2) [ 1 2 ]))
  (builtins.foldl' (a: b: a + b) 0 (builtins.genList (i: i * i) 10))
  (builtins.length (builtins.genList (i: throw "lazy") 4))
  (map (f: f 3) [ (builtins.add 1) (builtins.mul 2) ])
  ((builtins.nope or (x: x + 1)) 1)
  ((builtins.add or (throw "x")) 1 2)
  (builtins.floor (1.5 * 3))
  (builtins.seq (1 + 1) "seq")
  (builtins.elemAt (builtins.filter (x: x > 2) [ 1 2 3 4 ]) (n - 4))
  (builtins.filter (x: x > 1) [ 3 1 2 0 5 ])
  (builtins.filter (x: x / 3 * 3 == x) (builtins.genList (i: 130 - i) 131))
  (builtins.filter (x: false) [ 1 2 ])
]
