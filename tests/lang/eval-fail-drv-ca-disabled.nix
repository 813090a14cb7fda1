# Content-addressed derivations need the experimental feature.
(derivation { name = "ca"; builder = "/bin/sh"; system = "x86_64-linux"; __contentAddressed = true; }).outPath
