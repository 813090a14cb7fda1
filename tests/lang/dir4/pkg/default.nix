# search path entry two: a directory with default.nix
{ pkg = "from dir4/pkg"; }
