# Derivations compare equal by output path.
let
  mk = x: derivation { name = "eq"; builder = "/bin/sh"; system = "x86_64-linux"; inherit x; };
in [ (mk 1 == mk 1) (mk 1 == mk 2) ((mk 1) // { extra = true; } == mk 1) ]
