# a set that never closes
{ a = 1;
