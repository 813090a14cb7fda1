# Fixed-output derivations with the same hash share the output path whatever the builder,
# and so do derivations depending on them.
let
  fo = b: derivation { name = "src"; builder = b; system = "x86_64-linux"; outputHash = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; };
  use = s: derivation { name = "user"; builder = "/bin/sh"; system = "x86_64-linux"; src = s; };
  a = fo "/bin/sh";
  b = fo "/bin/bash";
in [ a.outPath b.outPath (a.drvPath == b.drvPath) (use a).outPath (use b).outPath ((use a).drvPath == (use b).drvPath) ]
