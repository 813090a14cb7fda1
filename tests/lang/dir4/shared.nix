# search path entry two: shadowed by dir3/shared.nix
"shared from dir4"
