# A derivation printed in full: shared sets show as «repeated» exactly as the reference.
derivation { name = "printed"; builder = "/bin/sh"; system = "x86_64-linux"; args = [ "-c" "true" ]; }
