# An unfiltered `builtins.path` is the same store path as interpolation.
[ ("${./drv-data/dir}" == builtins.path { path = ./drv-data/dir; }) ("${./drv-data/hello.txt}" == builtins.path { path = ./drv-data/hello.txt; }) ]
