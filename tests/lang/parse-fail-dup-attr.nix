# the same attribute defined twice
{ a = 1; a = 2; }
