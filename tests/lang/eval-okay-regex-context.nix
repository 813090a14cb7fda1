# match and split return strings without context, except split's unchanged input when nothing matches
let
  s = builtins.appendContext "abc" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; };
  ctx = x: if builtins.isString x then builtins.hasContext x else if x == null then null else map ctx x;
in {
  match = ctx (builtins.match "(a)(.*)" s);
  split = ctx (builtins.split "(b)" s);
  noMatch = ctx (builtins.split "x" s);
  noMatchContext = builtins.getContext (builtins.head (builtins.split "x" s));
}
