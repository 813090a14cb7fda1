# `import "${nixpkgs}/nixos" { configuration; system; }` in nixeval's stand-in nixpkgs.
{ configuration, system ? builtins.currentSystem or "x86_64-linux" }:
let
  eval = import ./lib/eval-config.nix { inherit system; modules = [ configuration ]; };
in
{
  inherit (eval) config options pkgs;
  system = eval.config.system.build.toplevel;
  vm = eval.config.system.build.vm;
}
