# A multi-output derivation printed in full.
derivation { name = "mp"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "bin" "out" ]; }
