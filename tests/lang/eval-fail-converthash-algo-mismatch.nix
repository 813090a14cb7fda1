# convertHash with a prefix that contradicts hashAlgo
builtins.convertHash { hash = "sha1:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; hashAlgo = "sha256"; toHashFormat = "sri"; }
