# A chain of derivations, each depending on the previous one.
let
  step = prev: n: derivation {
    name = "chain-${toString n}";
    builder = "/bin/sh";
    system = "x86_64-linux";
    prev = prev;
  };
  d1 = step "" 1;
  d2 = step d1 2;
  d3 = step d2 3;
  d4 = step d3 4;
  d5 = step d4 5;
in map (d: d.outPath) [ d1 d2 d3 d4 d5 ] ++ [ d5.drvPath ]
