# importing a <name> that is a directory uses its default.nix
import <pkg>
