# an imported function can be applied
import ./lib/double.nix 21
