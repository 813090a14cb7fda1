# a failed equality assertion names the first difference: lists of different lengths
let xs = [ 1 2 ]; in
assert xs == [ 1 ];
throw "not reached"
