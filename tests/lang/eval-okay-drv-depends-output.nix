# A derivation using another one's output through string interpolation.
let
  a = derivation { name = "dep-a"; builder = "/bin/sh"; system = "x86_64-linux"; };
  b = derivation { name = "dep-b"; builder = "${a}/bin/sh"; system = "x86_64-linux"; };
in [ b.drvPath b.outPath ]
