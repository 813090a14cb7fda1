# paths in an imported file are relative to that file
import ./lib/relative.nix
