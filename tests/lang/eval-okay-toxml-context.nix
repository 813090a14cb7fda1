# toXML keeps the contexts of the strings it shows
let
  s = builtins.appendContext "x" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv" = { outputs = [ "out" ]; }; };
  r = builtins.toXML { a = s; b = [ "plain" ]; };
in
[ (builtins.getContext r) (builtins.hasContext (builtins.toXML 1)) ]
