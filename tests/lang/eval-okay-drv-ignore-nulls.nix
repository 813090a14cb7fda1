# `__ignoreNulls` drops null attributes from the environment.
let
  mk = ign: derivation ({
    name = "nulls";
    builder = "/bin/sh";
    system = "x86_64-linux";
    gone = null;
    kept = "k";
  } // (if ign then { __ignoreNulls = true; } else { }));
in [ (mk true).drvPath (mk true).outPath (mk false).drvPath ]
