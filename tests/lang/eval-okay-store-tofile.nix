# `toFile` store paths, with and without references.
let
  a = builtins.toFile "a.txt" "alpha";
  b = builtins.toFile "b.txt" "uses ${a}";
  c = builtins.toFile "c.txt" "uses ${b} and ${a} and ${./drv-data/hello.txt}";
  e = builtins.toFile "empty" "";
in [ a b c e ]
