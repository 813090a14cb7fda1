# a failed equality assertion names the first difference: values of different types in a list
assert [ "a" { x = false; } ] == [ "a" { x = null; } ];
throw "not reached"
