# appendContext keys must be store paths
builtins.appendContext "a" { "/tmp/x" = { path = true; }; }
