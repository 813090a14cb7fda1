# convertHash with an unknown algorithm prefix
builtins.convertHash { hash = "sha3:abc"; toHashFormat = "sri"; }
