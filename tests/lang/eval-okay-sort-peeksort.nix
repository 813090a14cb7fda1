# builtins.sort asks the comparator what current CppNix's peeksort asks, in its order: comparators
# that are no strict weak order (`<=`, arbitrary answers) give the reference's permutation.
let
  keyed = l: builtins.genList (i: { inherit i; v = builtins.elemAt l i; }) (builtins.length l);
  show = map (p: "${toString p.v}:${toString p.i}");
  sortLe = l: show (builtins.sort (a: b: a.v <= b.v) (keyed l));
  mod = a: b: a - b * (a / b);
  arbitrary = l: show (builtins.sort (a: b: mod (a.v * 7 + b.v * 3 + a.i) 5 < 2) (keyed l));
  short = [ 3 1 2 3 1 2 0 ];
  mid = [ 5 2 2 9 1 5 5 0 3 2 7 7 1 4 ];
  long = [ 4 4 1 8 2 9 3 3 0 7 1 5 6 2 2 8 9 0 4 3 1 6 ];
  runs = [ 0 1 2 3 4 5 6 7 8 9 10 11 9 8 7 6 5 4 3 2 1 0 1 1 2 2 3 3 4 4 5 5 ];
  big = builtins.genList (i: mod (i * 37 + 11) 23) 60;
in {
  le = map sortLe [ short mid long runs big ];
  arbitrary = map arbitrary [ short mid long runs big ];
  # A strict order gives the same stable result whatever the algorithm.
  lt = builtins.sort (a: b: a < b) big;
}
