# An expected hash that does not match the contents is an error.
builtins.path { path = ./drv-data/hello.txt; sha256 = "0000000000000000000000000000000000000000000000000000"; }
