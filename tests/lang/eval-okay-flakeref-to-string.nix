# flakeRefToString prints a flake reference given as attributes (current CppNix; 2.8 lacks it)
builtins.flakeRefToString { type = "path"; path = "/my/repo"; }
