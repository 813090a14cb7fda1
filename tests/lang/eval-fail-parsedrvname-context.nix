# parseDrvName refuses strings with a context
builtins.parseDrvName (builtins.appendContext "hello-1.0" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; })
