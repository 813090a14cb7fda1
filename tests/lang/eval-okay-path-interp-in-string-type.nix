# a path interpolated into a string gives a string
builtins.typeOf "${./lib/one.nix}"
