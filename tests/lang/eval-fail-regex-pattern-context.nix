# the pattern must not have a context
builtins.match (builtins.appendContext "a" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; }) "a"
