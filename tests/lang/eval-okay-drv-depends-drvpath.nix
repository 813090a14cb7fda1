# Using a .drv path as a string pulls in the derivation's whole closure.
let
  a = derivation { name = "deep-a"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "doc" ]; };
  b = derivation { name = "deep-b"; builder = "/bin/sh"; system = "x86_64-linux"; src = a; };
  c = derivation { name = "deep-c"; builder = "/bin/sh"; system = "x86_64-linux"; drv = b.drvPath; };
in [ c.drvPath c.outPath ]
