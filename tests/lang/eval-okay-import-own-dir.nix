# ./. in an imported file is that file's directory
import ./lib/own-dir.nix
