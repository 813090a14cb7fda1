# Depending on a non-default output.
let
  a = derivation { name = "oo-a"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" ]; };
  b = derivation { name = "oo-b"; builder = "/bin/sh"; system = "x86_64-linux"; inc = "${a.dev}/include"; lib = a; };
in [ b.drvPath b.outPath ]
