# hashString does not coerce its second argument
builtins.hashString "sha256" ./lib/data.txt
