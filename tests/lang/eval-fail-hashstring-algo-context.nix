# the algorithm name of hashString must not have a context
builtins.hashString (builtins.appendContext "sha256" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; }) ""
