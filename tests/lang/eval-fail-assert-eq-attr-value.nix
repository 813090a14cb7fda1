# a failed equality assertion names the first difference: an attribute whose integers differ
assert { name = "x"; size = 1; } == { name = "x"; size = 2; };
throw "not reached"
