# paths are normalised before comparison
./x/../a == ./a
