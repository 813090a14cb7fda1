# string + path is a string
builtins.typeOf ("x" + ./lib/one.nix)
