# Attributes of a derivation are available without instantiating it.
let d = derivation { name = "lazy"; builder = "/bin/sh"; system = "x86_64-linux"; broken = throw "not forced"; };
in [ d.name d.type d.builder (builtins.attrNames d.drvAttrs) ]
