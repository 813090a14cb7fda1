# a failed equality assertion names the first difference: an attribute only on the right
assert { a = 1; } == { b = 1; };
throw "not reached"
