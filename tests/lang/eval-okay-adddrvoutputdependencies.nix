# addDrvOutputDependencies turns a single plain .drv element into a deep one; idempotent
let
  d = "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv";
  s = builtins.appendContext "s" { ${d} = { path = true; }; };
  deep = builtins.addDrvOutputDependencies s;
in [
  (builtins.getContext deep)
  (builtins.getContext (builtins.addDrvOutputDependencies deep))
  (builtins.getContext (builtins.unsafeDiscardOutputDependency deep))
  deep
]
