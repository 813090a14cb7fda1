# + does not merge sets
{ a = 1; } + { b = 2; }
