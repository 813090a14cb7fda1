# Interpolations of more pieces than are kept on the stack, mixing known integers (toString), strings with context-free text, lists (spaces) and a long appended accumulator.
let
  i = 5;
  s = "str";
  many = "${toString i}a${s}b${toString (i * 2)}c${toString i}d${s}e${toString i}f${toString i}g${s}h${toString i}i${toString [ 1 2 3 ]}j${toString i}k${toString (-i)}l${toString i}";
  acc = builtins.foldl' (a: n: a + "${toString n}-") "" (builtins.genList (x: x) 300);
  sep = toString (builtins.genList (x: x) 20);
in
[ many (builtins.stringLength acc) (builtins.substring 0 40 acc) sep ("${toString i}") ]
