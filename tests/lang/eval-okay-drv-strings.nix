# A derivation used as a string, with toString, and in JSON.
let d = derivation { name = "str"; builder = "/bin/sh"; system = "x86_64-linux"; };
in [ "${d}" (toString d) (builtins.toJSON d) (builtins.toJSON { inherit d; }) (builtins.hasContext "${d}") ]
