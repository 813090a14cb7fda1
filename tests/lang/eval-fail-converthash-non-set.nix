# convertHash takes a set
builtins.convertHash "sha256:abc"
