# A set without outPath or __toString cannot be a derivation attribute.
let d = derivation { name = "pt"; builder = "/bin/sh"; system = "x86_64-linux"; meta.description = "d"; version = "1.0"; };
in [ d.meta.description d.version d.drvAttrs.version d.outPath ]
