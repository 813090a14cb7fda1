# The first listed output is the default one (not necessarily `out`).
let d = derivation { name = "first"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "dev" "out" ]; };
in [ d.outputName d.outPath d.out.outPath "${d}" ]
