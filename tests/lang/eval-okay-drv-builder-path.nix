# A derivation whose builder is a derivation output path.
let
  sh = derivation { name = "sh"; builder = "/bin/sh"; system = "x86_64-linux"; };
  d = derivation { name = "uses-sh"; builder = "${sh}/bin/sh"; system = "x86_64-linux"; args = [ "-e" ./drv-data/script.sh ]; };
in [ d.drvPath d.outPath ]
