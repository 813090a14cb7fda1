# a failed equality assertion on two functions says functions compare as unequal
assert (x: x) == (x: x);
throw "not reached"
