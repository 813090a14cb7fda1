# <name> is a path
baseNameOf <a.nix>
