# `builtins.path` and `filterSource` results as derivation inputs.
let
  filtered = builtins.path { path = ./drv-data/dir; name = "filtered"; filter = p: t: baseNameOf p != "skip.log"; };
  fs = builtins.filterSource (p: t: t != "symlink") ./drv-data/dir;
  d = derivation { name = "pathin"; builder = "/bin/sh"; system = "x86_64-linux"; inherit filtered fs; };
in [ filtered fs d.drvPath d.outPath ]
