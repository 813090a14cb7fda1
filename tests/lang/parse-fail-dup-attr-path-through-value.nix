# a path through a non-set value names the path up to that value
{ a.b = 1; a.b.c.d = 2; }
