# toString of a set with outPath
toString { outPath = "out"; }
