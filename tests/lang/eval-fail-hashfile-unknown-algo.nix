# hashFile with an unknown algorithm
builtins.hashFile "crc32" ./lib/data.txt
