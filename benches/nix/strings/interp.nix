# String interpolation and + concatenation producing 100 000 short strings, then measuring them.
let
  n = 100000;
  line = i: let s = toString i; in "item-${s}: value=${s}${if i - i / 2 * 2 == 0 then " even" else " odd"}\n";
  lines = builtins.genList line n;
  lengths = builtins.foldl' (a: l: a + builtins.stringLength l) 0 lines;
  glued = builtins.foldl' (acc: i: acc + "x") "" (builtins.genList (i: i) 20000);
  nested = builtins.genList (i: let a = "a${toString i}"; b = "<${a}|${a}>"; in "${b}${b}") n;
in
[ lengths (builtins.stringLength glued) (builtins.stringLength (builtins.elemAt nested 99999)) (builtins.length nested) ]
