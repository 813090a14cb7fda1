# import refuses a relative path given as a string
import "lib/one.nix"
