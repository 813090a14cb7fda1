# a simple attribute set
{ a = 1; b = "two"; }
