# concatStringsSep and toString joining large lists, with substring slicing of the results.
let
  n = 100000;
  words = builtins.genList (i: "w${toString (i * 7919 - i / 13 * 13)}") n;
  joined = builtins.concatStringsSep "," words;
  spaced = toString words;
  rows = builtins.genList (r: builtins.concatStringsSep "\t" (builtins.genList (c: toString (r * c)) 50)) 2000;
  table = builtins.concatStringsSep "\n" rows;
  slices = builtins.genList (i: builtins.substring (i * 37) 12 joined) 20000;
in
[
  (builtins.stringLength joined)
  (builtins.stringLength spaced)
  (builtins.stringLength table)
  (builtins.stringLength (builtins.concatStringsSep "" slices))
]
