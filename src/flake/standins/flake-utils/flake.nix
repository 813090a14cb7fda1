# nixeval's stand-in for numtide/flake-utils. Its `systems` input, when the lock gives it,
# supplies the default systems as in the real flake.
{
  description = "nixeval's stand-in for flake-utils";

  outputs = { self, systems ? null, ... }: {
    lib = import ./default.nix (if systems != null then { defaultSystems = import systems; } else { });
    templates = { };
  };
}
