# unsafeDiscardStringContext coerces like interpolation (paths copied, outPath, __toString) and drops the context
let
  s = builtins.appendContext "s" { "/nix/store/lfngsssysp6h1v4ccqg23c52s9sjl779-x" = { path = true; }; };
  r = map builtins.unsafeDiscardStringContext [ s ./lib/data.txt { outPath = s; } { __toString = self: "ts"; } "plain" ];
in [ r (map builtins.hasContext r) ]
