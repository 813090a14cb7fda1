# Every attribute a path binding creates is positioned at the start of the path
let
  s = {  a.b.c = 1;  a.d = 2;  a = { e = 3; };  f.${"g"} = 4; };
  pos = n: set: let p = builtins.unsafeGetAttrPos n set; in [ p.line p.column ];
in [ (pos "a" s) (pos "b" s.a) (pos "c" s.a.b) (pos "d" s.a) (pos "e" s.a) (pos "g" s.f) (pos "f" s) ]
