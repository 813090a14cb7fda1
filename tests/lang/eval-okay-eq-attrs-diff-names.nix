# attribute sets with different names are unequal
{ a = 1; } == { b = 1; }
