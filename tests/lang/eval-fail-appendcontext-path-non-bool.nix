# the path attribute of a context value must be a Boolean
builtins.appendContext "a" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = "yes"; }; }
