# an absolute path plus a string
/foo + "/bar.nix"
