# Two paths to the same input derivation.
let
  base = derivation { name = "base"; builder = "/bin/sh"; system = "x86_64-linux"; };
  l = derivation { name = "left"; builder = "/bin/sh"; system = "x86_64-linux"; inherit base; };
  r = derivation { name = "right"; builder = "/bin/sh"; system = "x86_64-linux"; inherit base; };
  top = derivation { name = "top"; builder = "/bin/sh"; system = "x86_64-linux"; inherit l r base; };
in [ top.drvPath top.outPath ]
