# Equality of functions inside lists and sets: only the same value object is equal to itself
let
  f = x: x;
  s = { inherit f; g = y: y; };
  l = [ f ];
  r = rec { a = x: x; b = a; };
  withH = { h = x: x; };
in {
  # the same variable (one value object) in both lists
  sameVar = [ f ] == [ f ];
  sameList = l == l;
  sameSet = s == s;
  sameSetUpdated = s == s // { };
  nested = { a = [ f ]; } == { a = [ f ]; };
  inheritBoth = { inherit f; } == { f = f; };
  recShared = [ r.a ] == [ r.b ] ;
  recSetSelf = { x = r.a; } == { x = r.b; };
  recAlias = builtins.attrValues (builtins.intersectAttrs { a = 1; } r)
    == builtins.attrValues (builtins.intersectAttrs { b = 1; } r);
  attrValues = builtins.attrValues s == builtins.attrValues s;
  tail = builtins.tail ([ 1 ] ++ l) == l;
  filter = builtins.filter (_: true) l == l;
  globalVar = [ map ] == [ map ];
  letAlias = let m = builtins.map; in [ m ] == [ m ];
  elemVar = builtins.elem f [ f ];
  elemGlobal = builtins.elem map [ map ];
  # each selection, call or builtin result is a value object of its own
  selects = [ s.f ] == [ s.f ];
  builtinSelects = [ builtins.add ] == [ builtins.add ];
  inheritFrom = { inherit (s) f; } == { inherit (s) f; };
  inheritFromBuiltins = { inherit (builtins) add; } == { inherit (builtins) add; };
  mapped = builtins.map (x: x) l == l;
  mapAttrs = builtins.mapAttrs (n: v: v) s == s;
  genList = builtins.genList (_: f) 1 == [ f ];
  elemAt = [ (builtins.elemAt l 0) ] == l;
  getAttr = [ (builtins.getAttr "f" s) ] == [ f ];
  withVar = with withH; [ h ] == [ h ];
  elemSelect = builtins.elem s.f [ s.f ];
  elemBuiltinSelect = builtins.elem builtins.add [ builtins.add ];
  partial = [ (builtins.add 1) ] == [ (builtins.add 1) ];
  bare = f == f;
  differentLambdas = { inherit f; } == { f = x: x; };
}
