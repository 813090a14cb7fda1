# hashString: every algorithm, empty and multi-byte input, context ignored
let
  algos = [ "md5" "sha1" "sha256" "sha512" ];
  inputs = [ "" "abc" "héllo wörld\n" (builtins.baseNameOf ./lib/data.txt) "${./lib/data.txt}" ];
in
map (a: map (builtins.hashString a) inputs) algos
