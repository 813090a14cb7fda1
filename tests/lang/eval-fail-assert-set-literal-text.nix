# an assertion on a set literal written over several lines shows the set as CppNix does: sorted, on one line
let x = 1; in
assert
  {
    "b c" = [ 1 ];
    inherit x;
    a = x;
  } == { } || false;
throw "not reached"
