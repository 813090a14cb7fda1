# String building: contexts through interpolation, `+` and toString of lists (one, several and
# repeated contexts), results shorter and longer than 30 bytes, many parts, integers at the limits.
let
  a = builtins.appendContext "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a" { "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-a" = { path = true; }; };
  b = builtins.appendContext "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b" { "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-b" = { path = true; }; };
  ctx = s: builtins.attrNames (builtins.getContext s);
  many = "1${"2"}3${"4"}5${"6"}7${"8"}9${"10"}11${"12"}13${"x"}";
  big = 9223372036854775807;
in
{
  one = ctx "x${a}y";
  two = ctx "${b}-${a}-${b}";
  plus = ctx ("" + a + "-" + b);
  alone = ctx "${a}";
  list = ctx (toString [ a "x" [ ] b a ]);
  none = builtins.hasContext "${"p"}${"q"}";
  sep = ctx (builtins.concatStringsSep a [ "x" "y" ]);
  inherit many;
  manyLen = builtins.stringLength many;
  short = "ab${"c"}";
  exact = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa${"bc"}";
  longer = "aaaaaaaaaaaaaaaaaaaaaaaaaaaa${"bcd"}";
  listStr = toString [ 1 [ ] 2 [ [ ] ] "" null true false 3 ];
  emptyList = toString [ ];
  ints = map toString [ 0 (-1) 9 10 99 100 (-100) 123456789 big (-big - 1) ];
  empty = "${""}${""}";
  emptyPlus = "" + "";
  path = baseNameOf (./foo + "bar");
  pathPlus = baseNameOf (dirOf (./. + "/a" + "/b"));
}
