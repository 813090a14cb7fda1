# A let with a dynamic attribute is refused at the let keyword, after its bindings are read.
let
  a = 1;
  "${toString a}" = 2;
in a
