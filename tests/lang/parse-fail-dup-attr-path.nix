# the same attribute path defined twice
{ a.b = 1; a.b = 2; }
