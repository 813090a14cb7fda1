# hashFile needs an absolute path
builtins.hashFile "sha256" "lib/data.txt"
