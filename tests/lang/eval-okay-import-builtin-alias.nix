# builtins.import is the same as import
builtins.import ./lib/one.nix
