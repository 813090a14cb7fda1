# `builtins.path` rejects unknown arguments.
builtins.path { path = ./drv-data/hello.txt; colour = "red"; }
