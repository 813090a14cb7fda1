# baseNameOf of a path literal gives the last component
baseNameOf ./foo.nix
