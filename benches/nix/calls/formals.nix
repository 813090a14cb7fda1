# Calls through functions with formal arguments, defaults, @-patterns and __functor sets.
let
  step = { acc, i, scale ? 3, ... }@args:
    if i == 0 then acc
    else step (args // { acc = acc + i * scale; i = i - 1; });
  counter = {
    __functor = self: n: if n == 0 then self.base else self (n - 1) + 1;
    base = 0;
  };
  run = k: step { acc = k; i = 2000; } + counter 200;
in
builtins.foldl' (s: k: s + run k) 0 (builtins.genList (k: k) 400)
