# an interpolated path is a path
let x = "one"; in builtins.typeOf ./lib/${x}.nix
