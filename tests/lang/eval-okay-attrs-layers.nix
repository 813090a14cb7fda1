# `//` with small right sides on a large set, chained past sixteen updates: lookups, overrides of
# the same name again and again, sizes, names in order, equality, printing, and the other set
# builtins on the results.
let
  base = builtins.listToAttrs (builtins.genList (i: { name = "b${toString i}"; value = i; }) 64);
  step = s: i: s // { "b${toString (i * 3)}" = -i; "new${toString i}" = i; same = i; };
  chain = n: builtins.foldl' step base (builtins.genList (i: i) n);
  c5 = chain 5;
  c40 = chain 40;
  names = s: builtins.attrNames s;
in
{
  sizes = map (n: builtins.length (names (chain n))) [ 0 1 2 15 16 17 18 33 40 ];
  c5 = c5;
  picks = [ c40.same c40.b0 c40.b3 c40.b63 c40.new39 c40.new0 (c40.b1 or "none") (c40.nothere or "none") ];
  has = [ (c40 ? b62) (c40 ? new17) (c40 ? newer) (builtins.hasAttr "same" c40) ];
  names40 = names c40;
  values40 = builtins.attrValues c40;
  equal = [ (chain 20 == chain 20) (chain 20 == chain 21) (c5 == c5 // { }) ((c5 // { b1 = 1; }) == c5) ];
  removed = builtins.attrNames (builtins.removeAttrs c40 (builtins.genList (i: "b${toString i}") 64));
  mapped = builtins.attrValues (builtins.mapAttrs (n: v: n) (chain 18));
  intersect = builtins.intersectAttrs { same = 0; new3 = 0; b9 = 0; zzz = 0; } c40;
  wide = builtins.length (builtins.attrNames (c40 // base // c5));
  nested = (c40 // { x = 1; } // { y = 2; }).same;
}
