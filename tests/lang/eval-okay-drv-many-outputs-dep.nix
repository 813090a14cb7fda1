# A dependency on every output of a multi-output derivation.
let
  a = derivation { name = "mo"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" "doc" "man" ]; };
  b = derivation { name = "mo-user"; builder = "/bin/sh"; system = "x86_64-linux"; all = a.all; };
in [ b.drvPath b.outPath ]
