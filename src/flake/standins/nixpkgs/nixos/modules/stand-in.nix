# An empty NixOS module standing in for modules of nixpkgs that nixeval does not model.
{ ... }: { }
