# String contexts from several places merge into one set of inputs.
let
  a = derivation { name = "cm-a"; builder = "/bin/sh"; system = "x86_64-linux"; outputs = [ "out" "dev" ]; };
  f = builtins.toFile "cm" "x";
  d = derivation {
    name = "cm";
    builder = "/bin/sh";
    system = "x86_64-linux";
    s = "${a} ${a.dev} ${f} ${a}";
    l = [ a.dev f ];
  };
in [ d.drvPath d.outPath ]
