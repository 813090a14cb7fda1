# attribute sets with one differing value are unequal
{ a = 1; b = 2; } == { a = 1; b = 3; }
