# ? is false when an intermediate attribute is missing
{ a = { }; } ? a.b.c
