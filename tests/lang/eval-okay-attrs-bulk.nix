# Attribute sets built from generated names: listToAttrs keeps the first of duplicate names,
# names from attrNames reused by removeAttrs, getAttr, hasAttr and dynamic selection, `//` with
# a small right side (overriding and adding), lookups of absent names, empty inputs.
let
  names = builtins.genList (i: "n${toString i}") 100;
  big = builtins.listToAttrs (map (n: { name = n; value = n; }) names);
  dups = builtins.listToAttrs [
    { name = "x"; value = 1; }
    { name = "y"; value = 2; }
    { name = "x"; value = 3; }
    { name = "y"; value = 4; }
    { name = "z"; value = 5; }
  ];
  small = { n5 = "five"; zz = "new"; a = "first"; };
  merged = big // small;
  sparse = builtins.removeAttrs big (builtins.filter (n: builtins.stringLength n == 2) (builtins.attrNames big));
  sparseNames = builtins.attrNames sparse;
in
{
  inherit dups;
  count = builtins.length (builtins.attrNames big);
  mergedCount = builtins.length (builtins.attrNames merged);
  mergedPicks = [ merged.n5 merged.zz merged.a merged.n99 merged.n0 ];
  mergedFirst = builtins.head (builtins.attrNames merged);
  mergedLast = builtins.elemAt (builtins.attrValues merged) 101;
  sparseCount = builtins.length sparseNames;
  sparseHas = map (n: builtins.hasAttr n sparse) [ "n5" "n50" "n99" "n100" "m" ];
  sparseGet = map (n: sparse.${n}) (builtins.genList (i: builtins.elemAt sparseNames (i * 7)) 10);
  bigHas = [ (big ? n0) (big ? n99) (big ? n100) (big ? "") (big ? a) ];
  dynamic = map (n: big.${n} or "none") [ "n1" "n42" "x" ];
  removedAll = builtins.removeAttrs big names;
  removedNone = builtins.length (builtins.attrNames (builtins.removeAttrs big [ ]));
  emptyList = builtins.listToAttrs [ ];
  emptyUpdate = [ ({ } // { }) (big // { } == big) ({ } // small) ];
  intersect = builtins.intersectAttrs small big;
  cat = builtins.catAttrs "n7" [ big sparse { n7 = 7; } ];
  grown = builtins.attrNames (builtins.foldl' (s: i: s // { "g${toString (9 - i)}" = i; }) big (builtins.genList (i: i) 10));
}
