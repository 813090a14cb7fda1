# fromJSON refuses strings with a context
builtins.fromJSON (builtins.appendContext "1" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })
