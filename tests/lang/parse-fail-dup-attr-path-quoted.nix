# names that are not identifiers are quoted in the path
{ "a b".c = 1; "a b".c = 2; }
