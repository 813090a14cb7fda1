# helper: evaluating this file throws
throw "thrown from lib/throws.nix"
