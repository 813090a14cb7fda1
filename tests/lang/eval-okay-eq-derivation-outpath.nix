# sets with type = "derivation" compare only their outPath
{ type = "derivation"; outPath = "a"; x = 1; } == { type = "derivation"; outPath = "a"; x = 2; }
