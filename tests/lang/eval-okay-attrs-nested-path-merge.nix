# an attribute path may extend an explicit set
{ a = { b = 1; }; a.c = 2; }
