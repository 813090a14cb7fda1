# convertHash with an unknown hashAlgo
builtins.convertHash { hash = "abc"; hashAlgo = "sha3"; toHashFormat = "sri"; }
