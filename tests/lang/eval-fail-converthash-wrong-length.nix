# convertHash of a hash with a length that fits no encoding
builtins.convertHash { hash = "abcd"; hashAlgo = "sha256"; toHashFormat = "sri"; }
