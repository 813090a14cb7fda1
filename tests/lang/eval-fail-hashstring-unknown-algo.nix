# hashString with an unknown algorithm fails before forcing the string
builtins.hashString "sha3" (throw "not reached")
