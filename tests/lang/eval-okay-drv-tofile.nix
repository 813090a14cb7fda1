# `toFile` paths, references between files, and derivations using them.
let
  conf = builtins.toFile "foo.conf" "setting = 1\n";
  script = builtins.toFile "builder.sh" "cp ${conf} $out\n";
  d = derivation { name = "tofile"; builder = "/bin/sh"; args = [ script ]; system = "x86_64-linux"; };
  deep = derivation { name = "tofile-deep"; builder = "/bin/sh"; system = "x86_64-linux"; x = d.drvPath; };
in [ conf script d.drvPath d.outPath deep.drvPath ]
