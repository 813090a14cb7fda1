# Files made by `toFile` cannot refer to derivation outputs.
builtins.toFile "x" "${derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; }}"
