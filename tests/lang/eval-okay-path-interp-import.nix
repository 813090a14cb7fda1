# an interpolated path can be imported
let x = "one"; in import ./lib/${x}.nix
