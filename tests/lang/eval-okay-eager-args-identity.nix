# Arguments a body forces first keep the identity the call would have given them: the same
# thunk for a variable, a value of their own for anything computed.
let
  g = y: y;
  l = [ 1 ];
  sameFn = x: [ x ] == [ x ];
  withG = x: [ x ] == [ g ];
  pair = p: [ p p ];
  withL = p: [ p l ];
  nan = let inf = 1.0e308 * 10.0; in inf - inf;
  selfEq = p: [ p ] == [ p ];
  first = x: y: if x > 0 then x else y;
  tak = x: y: z: if y < x then tak (tak (x - 1) y z) (tak (y - 1) z x) (tak (z - 1) x y) else z;
in
{
  computedFn = sameFn (a: a);
  variableFn = withG g;
  copiedFn = withG (builtins.head [ g ]);
  repeatedList = pair (builtins.head [ [ 1 ] ]);
  distinctList = withL (builtins.head [ l ]);
  repeatedSet = pair (builtins.head [ { a = 1; } ]);
  nanIsItself = selfEq nan;
  nanComputed = selfEq (nan + 0.0);
  tak = tak 12 8 4;
  lazySecond = first 1 (throw "y is not needed");
}
