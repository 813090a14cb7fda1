# concatLists and concatMap over empty lists, lists with a single non-empty member (shared or
# not, equality with the original), many members, laziness of the elements.
let
  one = [ 1 2 3 ];
  f = x: x;
in
{
  empty = builtins.concatLists [ ];
  empties = builtins.concatLists [ [ ] [ ] ];
  single = builtins.concatLists [ [ ] one [ ] ];
  singleEq = builtins.concatLists [ one ] == one;
  fnEq = builtins.concatLists [ [ f ] ] == [ f ];
  many = builtins.concatLists (builtins.genList (i: builtins.genList (j: i * 10 + j) i) 5);
  lazy = builtins.length (builtins.concatLists [ [ (throw "not forced") ] [ (abort "nor this") ] ]);
  mapEmpty = builtins.concatMap (x: [ ]) one;
  mapOne = builtins.concatMap (x: if x == 2 then [ x x ] else [ ]) one;
  mapMany = builtins.concatMap (x: [ x (x * 10) ]) one;
  mapLazy = builtins.length (builtins.concatMap (x: [ (throw "lazy") ]) one);
}
