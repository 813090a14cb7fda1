# Curried lambdas share one frame per call: partial applications, reuse, shadowing and closures
# capturing a partly applied chain must all behave as separate frames would.
let
  add3 = a: b: c: a * 100 + b * 10 + c;
  p1 = add3 1;
  p12 = p1 2;
  shadow = x: x: x;
  capture = a: b: [ (c: a + b + c) (d: a - d) ];
  lazyArgs = a: b: c: if a then b else c;
  mixed = a: { b ? a }: c: a + b + c;
  withInside = s: n: with s; v + n;
  letInside = a: b: let c = a + b; in x: c * x;
  flip = f: a: b: f b a;
  compose = f: g: x: f (g x);
  fs = map add3 [ 1 2 ];
  counter = n: acc: if n == 0 then acc else counter (n - 1) (acc + n);
in {
  full = add3 1 2 3;
  partials = [ (p1 2 3) (p1 4 5) (p12 7) (p12 8) ((add3 9) 8 7) ((add3 1 2) 3) ];
  shadowed = shadow 1 2;
  shadowPartial = (shadow 1) 3;
  captured = map (f: f 5) (capture 10 20);
  lazy = lazyArgs true 1 (throw "not forced");
  lazy2 = lazyArgs false (throw "not forced") 2;
  mixedDefault = mixed 1 { } 3;
  mixedGiven = mixed 1 { b = 5; } 3;
  withs = withInside { v = 4; } 5;
  lets = [ (letInside 1 2 3) ((letInside 2 3) 4) ];
  flipped = flip builtins.sub 1 10;
  composed = compose (x: x * 2) (x: x + 1) 5;
  listed = map (f: f 0 0) fs;
  counted = counter 100 0;
  foldlChain = builtins.foldl' (acc: x: acc * 2 + x) 0 [ 1 0 1 1 ];
  functionArgs = builtins.functionArgs (a: b: a);
  isFn = builtins.isFunction (add3 1);
}
