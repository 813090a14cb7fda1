# unsafeDiscardOutputDependency turns deep derivation elements into plain paths and keeps the rest
let
  d = "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv";
  s = builtins.appendContext "s" { ${d} = { allOutputs = true; outputs = [ "out" ]; }; "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; };
in [
  (builtins.getContext (builtins.unsafeDiscardOutputDependency s))
  (builtins.unsafeDiscardOutputDependency s)
  (builtins.unsafeDiscardOutputDependency "no context")
  (builtins.getContext (builtins.unsafeDiscardOutputDependency "${./lib/data.txt}"))
  (builtins.unsafeDiscardOutputDependency { outPath = "via outPath"; })
  (builtins.unsafeDiscardOutputDependency { __toString = self: "via toString"; })
]
