# an imported function with formals
import ./lib/formals.nix { a = 1; }
