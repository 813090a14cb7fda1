# fromJSON of an integer above the Nix range
builtins.fromJSON "9223372036854775808"
