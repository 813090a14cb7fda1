# Builds 10 000-name sets with listToAttrs, merges them with //, and looks every name up.
let
  n = 10000;
  names = builtins.genList (i: "name${toString i}") n;
  mk = off: builtins.listToAttrs (map (nm: { name = nm; value = builtins.stringLength nm + off; }) names);
  sets = builtins.genList mk 60;
  merged = builtins.foldl' (a: b: a // b) { } sets;
  total = s: builtins.foldl' (acc: nm: acc + s.${nm}) 0 names;
in
{
  size = builtins.length (builtins.attrNames merged);
  sum = builtins.foldl' (acc: s: acc + total s) 0 sets;
  last = merged.name9999;
}
