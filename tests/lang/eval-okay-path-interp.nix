# a path with an interpolated component
let x = "one"; in baseNameOf ./lib/${x}.nix
