# addDrvOutputDependencies needs a derivation
builtins.addDrvOutputDependencies (builtins.appendContext "a" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })
