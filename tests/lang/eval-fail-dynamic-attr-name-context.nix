# A dynamic attribute name may not refer to a store path.
{ ${"${builtins.toFile "name" "text"}"} = 1; }
