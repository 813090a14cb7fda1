# The attributes `mapAttrs` makes have no position (unsafeGetAttrPos gives null), while
# `//`, removeAttrs, intersectAttrs and listToAttrs keep or give one.
let p = n: s: builtins.unsafeGetAttrPos n s; in
{
  mapAttrs = p "a" (builtins.mapAttrs (k: v: v) { a = 1; });
  mapAttrsValue = (builtins.mapAttrs (k: v: v + 1) { a = 1; }).a;
  literal = (p "a" { a = true; }) != null;
  update = (p "a" ({ a = 1; } // { b = 2; })).line;
  remove = (p "a" (builtins.removeAttrs { a = 1; b = 2; } [ "b" ])).line;
  intersect = (p "a" (builtins.intersectAttrs { a = 1; } { a = 2; })).column;
  listToAttrs = (p "a" (builtins.listToAttrs [ { name = "a"; value = 1; } ])).column;
}
