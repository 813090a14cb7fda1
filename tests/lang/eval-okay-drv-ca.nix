# Floating content-addressed derivations get placeholders for their outputs.
let
  a = derivation { name = "ca-a"; builder = "/bin/sh"; system = "x86_64-linux"; __contentAddressed = true; outputs = [ "out" "dev" ]; };
  b = derivation { name = "ca-b"; builder = "/bin/sh"; system = "x86_64-linux"; src = a; };
in [ a.drvPath a.outPath a.dev.outPath b.drvPath b.outPath ]
