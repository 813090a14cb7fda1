# convertHash of base16 text with a bad digit
builtins.convertHash { hash = "z3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"; hashAlgo = "sha256"; toHashFormat = "sri"; }
