# the whole path is named, positioned at its start
{ a = { b = { c = 1; }; }; a.b.c = 2; }
