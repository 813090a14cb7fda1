# two explicit sets bound to the same name are merged
{ a = { b = 1; }; a = { c = 2; }; }
