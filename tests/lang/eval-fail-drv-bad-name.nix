# Derivation names must be valid store path names.
(derivation { name = "bad name!"; builder = "/bin/sh"; system = "x86_64-linux"; }).outPath
