# An empty NixOS module standing in for the modules of nixpkgs that nixeval does not model:
# every `.nix` path below nixos/modules of the stand-in nixpkgs reads as this file. It
# declares nothing; the stand-in NixOS configuration is freeform, so the options such modules
# would declare can still be set. It leaves a note in `config.warnings`.
{ lib, options, ... }:
{
  config = lib.optionalAttrs (options ? warnings) {
    warnings = [ "nixeval: a module of nixpkgs' nixos/modules was replaced by an empty stand-in" ];
  };
}
