# a path whose last name is already in a literal set names the whole path
{ a = { b = 1; }; a.b = 2; }
