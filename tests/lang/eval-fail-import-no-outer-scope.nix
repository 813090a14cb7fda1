# an imported file does not see the importer's let bindings
let outerName = 1; in import ./lib/uses-outer.nix
