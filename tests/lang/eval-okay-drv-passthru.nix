# Extra attributes of the argument stay on the result and in drvAttrs.
let d = derivation { name = "pt"; builder = "/bin/sh"; system = "x86_64-linux"; pname = "pt"; version = "1.0"; };
in [ d.pname d.version d.drvAttrs.version d.outPath ]
