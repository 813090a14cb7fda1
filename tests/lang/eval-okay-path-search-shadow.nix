# the first search path entry shadows later ones
import <shared.nix>
