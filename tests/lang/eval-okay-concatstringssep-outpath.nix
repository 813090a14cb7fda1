# concatStringsSep coerces sets with outPath
builtins.concatStringsSep "/" [ "a" { outPath = "b"; } ]
