# `a // b` where b redefines every name of a: the result is b's members, positions included.
let
  a = { x = 1; y = throw "not forced"; };
  b = { x = 2; y = 3; z = 4; };
  r = a // b;
  f = { g = n: n; };
in {
  inherit r;
  same = r == b;
  pos = (builtins.unsafeGetAttrPos "y" r).line;
  fn = (f // { g = f.g; }) == f;
  names = builtins.attrNames ({ p = 1; } // { p = 2; q = 3; });
  partial = { k = 1; m = 2; } // { k = 3; };
}
