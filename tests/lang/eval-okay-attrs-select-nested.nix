# selecting through nested sets
{ a = { b = { c = "found"; }; }; }.a.b.c
