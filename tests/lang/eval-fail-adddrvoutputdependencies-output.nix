# addDrvOutputDependencies refuses an output element
builtins.addDrvOutputDependencies (builtins.appendContext "a" { "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv" = { outputs = [ "dev" ]; }; })
