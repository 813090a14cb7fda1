# importing a file that throws
import ./lib/throws.nix
