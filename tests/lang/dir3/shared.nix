# search path entry one: shadows dir4/shared.nix
"shared from dir3"
