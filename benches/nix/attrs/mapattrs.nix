# mapAttrs, intersectAttrs, removeAttrs, attrValues and catAttrs over 10 000-name sets.
let
  n = 10000;
  base = builtins.listToAttrs (builtins.genList (i: { name = "a${toString i}"; value = { v = i; w = i * 2; }; }) n);
  evens = builtins.listToAttrs (builtins.genList (i: { name = "a${toString (i * 2)}"; value = null; }) (n / 2));
  round = r:
    let
      mapped = builtins.mapAttrs (name: x: x // { s = x.v + x.w + r; }) base;
      common = builtins.intersectAttrs evens mapped;
      pruned = builtins.removeAttrs mapped (builtins.attrNames evens);
      pick = if r == r / 2 * 2 then common else pruned;
    in
    builtins.foldl' (a: b: a + b) 0 (builtins.catAttrs "s" (builtins.attrValues pick));
in
builtins.foldl' (a: b: a + b) 0 (builtins.genList round 60)
