# string + path copies the file to the store
"prefix-" + ./lib/one.nix
