# an imported file that throws is fine if never evaluated
let x = import ./lib/throws.nix; in "unused"
