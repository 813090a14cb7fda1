# The legacy `__json` attribute sets structured attributes from a JSON string.
let d = derivation { name = "legacyjson"; builder = "/bin/sh"; system = "x86_64-linux"; __json = builtins.toJSON { a = 1; b = [ "x" ]; }; };
in [ d.drvPath d.outPath ]
