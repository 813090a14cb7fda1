# convertHash without the hash attribute
builtins.convertHash { toHashFormat = "sri"; }
