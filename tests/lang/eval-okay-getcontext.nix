# getContext and appendContext: every kind of element, merging, sorting, no-ops
let
  p = "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x";
  d = "/nix/store/658hk0cj0g4qzp007dmlgmwnaibzdjcq-a.drv";
  d2 = "/nix/store/1hk0cj0g4qzp007dmlgmwnaibzdjcq6z-b.drv";
  s1 = builtins.appendContext "s1" { ${p} = { path = true; }; };
  s2 = builtins.appendContext "s2" { ${d} = { allOutputs = true; outputs = [ "out" "dev" "bin" ]; }; };
  s3 = builtins.appendContext "s3" { ${d} = { path = true; outputs = [ "dev" "a" ]; }; ${d2} = { outputs = [ ]; allOutputs = false; path = false; }; };
  both = s1 + s2 + s3;
in {
  plain = builtins.getContext "plain";
  s1 = builtins.getContext s1;
  s2 = builtins.getContext s2;
  s3 = builtins.getContext s3;
  both = builtins.getContext both;
  string = both;
  roundTrip = builtins.getContext (builtins.appendContext "" (builtins.getContext both)) == builtins.getContext both;
  hasContext = map builtins.hasContext [ "" s1 s2 (builtins.appendContext "x" { }) (builtins.appendContext "x" { ${p} = { path = false; }; }) ];
  discarded = builtins.getContext (builtins.unsafeDiscardStringContext both);
  interpolated = builtins.getContext "${s1}${s2}";
  path = builtins.getContext "${./lib/data.txt}";
}
