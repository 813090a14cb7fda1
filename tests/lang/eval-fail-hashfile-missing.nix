# hashFile on a file that does not exist
builtins.hashFile "sha256" ./lib/no-such-file
