# convertHash of an SRI hash of the wrong length
builtins.convertHash { hash = "sha256-AAAA"; toHashFormat = "base16"; }
