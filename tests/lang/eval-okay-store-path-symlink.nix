# `builtins.path` on a symbolic link copies what the link points to (current CppNix resolves
# the final component; 2.8 copied the link itself), while interpolation copies the link.
[ (builtins.path { path = ./drv-data/dir/link; }) "${./drv-data/dir/link}" ]
