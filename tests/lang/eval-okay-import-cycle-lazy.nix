# two files importing each other work when the cycle is lazy
(import ./lib/cyclic-a.nix).other
