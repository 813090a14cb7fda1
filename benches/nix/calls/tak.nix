# The Takeuchi function: deep, branching recursion through a three-argument curried lambda.
let
  tak = x: y: z:
    if y < x
    then tak (tak (x - 1) y z) (tak (y - 1) z x) (tak (z - 1) x y)
    else z;
in
tak 23 16 8
