# outputs need a derivation path
builtins.appendContext "a" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { outputs = [ "out" ]; }; }
