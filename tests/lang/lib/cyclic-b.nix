# helper: the other half of the lazy cycle
{ here = "b"; other = (import ./cyclic-a.nix).here; }
