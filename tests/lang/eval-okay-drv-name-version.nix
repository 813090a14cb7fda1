# Names with versions and output suffixes.
let d = derivation { name = "hello-2.12.1"; builder = "/bin/sh"; system = "aarch64-darwin"; outputs = [ "out" "man" "info" ]; };
in [ d.drvPath d.outPath d.man.outPath d.info.outPath d.name d.system ]
