# map, filter, genList, elemAt and length chained over 100 000-element lists, in three rounds.
let
  n = 100000;
  round = k:
    let
      xs = builtins.genList (i: i * 3 + k) n;
      squares = map (x: x * x) xs;
      odd = builtins.filter (x: x - x / 2 * 2 == 1) squares;
      shifted = builtins.genList (i: builtins.elemAt xs (n - 1 - i) + builtins.elemAt squares i) n;
      big = builtins.filter (x: x > 1000000) shifted;
      tagged = map (x: { v = x; }) big;
    in
    builtins.length odd + builtins.length big + (builtins.head tagged).v + builtins.elemAt odd 1000;
in
builtins.genList round 3
