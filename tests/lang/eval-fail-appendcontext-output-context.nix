# output names in a context value must not have a context
builtins.appendContext "a" { "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv" = { outputs = [ (builtins.appendContext "out" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; }) ]; }; }
