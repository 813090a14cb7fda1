# Structured attributes with several outputs and a dependency.
let
  a = derivation { name = "sa-a"; builder = "/bin/sh"; system = "x86_64-linux"; };
  d = derivation {
    name = "sa-b";
    builder = "/bin/sh";
    system = "x86_64-linux";
    __structuredAttrs = true;
    outputs = [ "out" "dev" ];
    deps = [ a ];
    exportReferencesGraph.closure = [ a ];
  };
in [ d.drvPath d.outPath d.dev.outPath ]
