# Structured attributes: everything encoded as JSON in `__json`.
let d = derivation {
  name = "structured";
  builder = "/bin/sh";
  system = "x86_64-linux";
  __structuredAttrs = true;
  int = 1;
  float = 1.5;
  small = 0.1;
  bool = true;
  nul = null;
  str = "s\n\"q\" é";
  list = [ 1 "a" [ ] { } ];
  nested = { b = 2; a = { c = [ true false ]; }; };
  file = ./drv-data/hello.txt;
  outPathSet = { outPath = "/x"; };
  allowedReferences = [ ];
};
in [ d.drvPath d.outPath ]
