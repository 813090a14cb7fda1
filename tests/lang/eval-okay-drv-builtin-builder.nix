# A `builtin:` builder and system.
let d = derivation { name = "fetched"; builder = "builtin:fetchurl"; system = "builtin"; url = "http://example.org/f"; outputHash = "sha256-WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="; };
in [ d.drvPath d.outPath ]
