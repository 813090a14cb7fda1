# the hash given to convertHash must not have a context
builtins.convertHash { hash = builtins.appendContext "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; }; toHashFormat = "sri"; }
