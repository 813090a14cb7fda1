# importing a file that does not exist
import ./no-such-file.nix
