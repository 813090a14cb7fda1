# --json copies a path to the store and prints the store path
./lib/data.txt
