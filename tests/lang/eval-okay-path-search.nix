# <name> finds a file in the first search path entry
import <a.nix>
