# nixeval's stand-in for nixpkgs: `lib`, `legacyPackages.<system>` for every system in
# `lib.systems.flakeExposed`, `nixosModules`, and `import nixpkgs { ... }` (default.nix).
# Its derivations are real but cannot be built.
{
  description = "nixeval's stand-in for nixpkgs";

  outputs = { self, ... }:
    let
      lib = (import ./lib).extend (final: prev: {
        nixosSystem = args: import ./nixos/lib/eval-config.nix (builtins.removeAttrs args [ "lib" ] // { lib = final; nixpkgs = self; });
      });
    in
    {
      inherit lib;
      legacyPackages = lib.genAttrs lib.systems.flakeExposed (system: import ./pkgs/default.nix { inherit lib system; });
      nixosModules = {
        notDetected = ./nixos/modules/stand-in.nix;
        readOnlyPkgs = ./nixos/modules/stand-in.nix;
      };
      htmlDocs = { };
    };
}
