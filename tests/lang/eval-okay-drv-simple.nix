# The .drv and output paths of a minimal derivation.
let d = derivation { name = "simple"; builder = "/bin/sh"; system = "x86_64-linux"; };
in [ d.drvPath d.outPath d.type d.outputName ]
