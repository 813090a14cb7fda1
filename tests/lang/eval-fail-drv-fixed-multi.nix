# Fixed-output derivations have exactly one output.
(derivation { name = "fm"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" ]; outputHash = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; }).outPath
