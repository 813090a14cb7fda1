# nixeval's stand-in for hercules-ci/flake-parts: `lib.mkFlake` (see lib.nix).
{
  description = "nixeval's stand-in for flake-parts";

  outputs = { self, nixpkgs-lib ? null, ... }: {
    lib = import ./lib.nix;
    flakeModules = { };
  };
}
