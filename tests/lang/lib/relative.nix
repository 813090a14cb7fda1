# helper: imports a sibling file relative to itself
import ./one.nix + 10
