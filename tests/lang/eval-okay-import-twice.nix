# importing the same file twice gives equal values
import ./lib/attrs.nix == import ./lib/attrs.nix
