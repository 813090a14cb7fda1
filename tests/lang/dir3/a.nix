# search path entry one: a.nix
"a from dir3"
