# `args` elements are coerced like `toString` (lists space-joined, paths copied).
let d = derivation {
  name = "args";
  builder = "/bin/sh";
  system = "x86_64-linux";
  args = [ "-c" "echo" 1 true false null 2.5 [ "x" [ "y" "z" ] ] ./drv-data/hello.txt ];
};
in [ d.drvPath d.outPath ]
