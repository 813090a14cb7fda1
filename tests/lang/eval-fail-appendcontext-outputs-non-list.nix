# the outputs attribute of a context value must be a list
builtins.appendContext "a" { "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv" = { outputs = "out"; }; }
