# Grows a set one attribute at a time with //, then checks membership with ? and hasAttr.
let
  n = 6000;
  grown = builtins.foldl' (s: i: s // { "k${toString i}" = i; }) { } (builtins.genList (i: i) n);
  hits = builtins.filter (i: grown ? "k${toString (i * 7)}") (builtins.genList (i: i) n);
  misses = builtins.filter (i: !(builtins.hasAttr "x${toString i}" grown)) (builtins.genList (i: i) n);
in
[ (builtins.length hits) (builtins.length misses) grown.k5999 ]
