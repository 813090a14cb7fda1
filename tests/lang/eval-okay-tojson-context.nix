# toJSON collects the contexts of strings and copied paths
let
  s = builtins.appendContext "s" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; };
in builtins.getContext (builtins.toJSON { a = [ s ]; b = ./lib/data.txt; c = "plain"; })
