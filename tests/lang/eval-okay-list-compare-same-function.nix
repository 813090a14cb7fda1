# Lists are ordered element by element after an equality test that holds for the very same
# function (identity), so equal prefixes holding one function do not fail.
let
  f = a: a;
  g = { a }: a;
in
[ ([ f ] < [ f ]) ([ f 1 ] < [ f 2 ]) ([ g 3 ] < [ g 2 ]) ([ f ] < [ f 0 ]) ]
