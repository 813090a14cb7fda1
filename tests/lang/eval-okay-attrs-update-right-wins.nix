# // prefers the right-hand value
{ a = 1; b = 2; } // { b = 20; }
