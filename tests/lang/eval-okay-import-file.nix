# import evaluates another file
import ./lib/one.nix
