# A value in an error message is shown as current CppNix bounds it: sets and lists 10 deep, 10
# attributes and 10 list items counted over the whole value, `type` first, «repeated» for a
# value met again; builtins.trace shows values without those bounds.
let
  nest = n: if n == 0 then 1 else { x = nest (n - 1); };
  deepSet = nest 12;
  wide = builtins.listToAttrs (builtins.genList (i: { name = "n${toString i}"; value = i; }) 12);
  shared = { s = 1; };
  v = {
    deepList = [ [ [ [ [ [ [ [ [ [ [ [ 1 ] ] ] ] ] ] ] ] ] ] ] ];
    pair = [ shared shared ];
    lists = [ [ 1 2 3 ] [ 4 5 6 7 ] ];
    type = "example";
  };
in
builtins.trace (builtins.deepSeq wide wide)
  (builtins.trace (builtins.deepSeq deepSet deepSet)
    (builtins.seq (builtins.deepSeq v v) (v + 1)))
