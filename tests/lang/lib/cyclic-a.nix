# helper: two files importing each other lazily
{ here = "a"; other = (import ./cyclic-b.nix).here; }
