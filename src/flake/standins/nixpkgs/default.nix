# `import nixpkgs { system; overlays; config; }` (also `localSystem`/`hostPlatform`) in
# nixeval's stand-in nixpkgs: the package set of pkgs/default.nix.
{ system ? args.localSystem.system or args.localSystem or args.hostPlatform.system or args.hostPlatform or builtins.currentSystem
, overlays ? [ ]
, config ? { }
, ...
}@args:
import ./pkgs/default.nix {
  lib = import ./lib;
  inherit overlays config;
  system = if builtins.isAttrs system then system.system else system;
}
