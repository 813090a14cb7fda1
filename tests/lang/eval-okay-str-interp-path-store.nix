# interpolating a path copies it to the store and yields the store path
"${./lib/one.nix}"
