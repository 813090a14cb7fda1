# Long strings appended to again and again, and the same string appended to in two different
# ways: every result keeps its own text (and contexts).
let
  a = builtins.appendContext "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a" { "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a" = { path = true; }; };
  grown = builtins.foldl' (acc: i: acc + toString (i - i / 10 * 10)) "" (builtins.genList (i: i) 1000);
  left = grown + "LEFT";
  right = grown + "RIGHT";
  again = left + "-again";
  interp = "${left}${"!"}";
  withCtx = grown + a;
  tail = s: builtins.substring (builtins.stringLength s - 12) 12 s;
in
{
  lengths = map builtins.stringLength [ grown left right again interp withCtx ];
  tails = map tail [ grown left right again interp ];
  ctx = builtins.attrNames (builtins.getContext (withCtx + "x"));
  plainCtx = builtins.hasContext (left + "x");
  head = builtins.substring 0 25 again;
}
