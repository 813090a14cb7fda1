# foldl' over genList lists of 100 000 elements with several accumulator shapes, in two rounds.
let
  n = 100000;
  round = k:
    let
      xs = builtins.genList (i: i + k) n;
      strs = map toString xs;
      sum = builtins.foldl' (a: b: a + b) 0 xs;
      alt = builtins.foldl' (a: b: if b - b / 2 * 2 == 0 then a + b else a - b) 0 xs;
      maxOf = builtins.foldl' (m: b: if b * 7 - b / 3 * 21 > m then b * 7 - b / 3 * 21 else m) 0 xs;
      pairs = builtins.foldl' (acc: b: let hi = acc.lo + b; in builtins.seq hi { lo = acc.hi; inherit hi; }) { lo = 0; hi = 1; } xs;
      lens = builtins.foldl' (a: s: a + builtins.stringLength s) 0 strs;
      fields = builtins.foldl' (a: s: a + s.v * s.w) 0 (map (i: { v = i; w = i - i / 5 * 5; }) xs);
    in
    [ sum alt maxOf (pairs.hi - pairs.lo) lens fields ];
in
builtins.genList round 2
