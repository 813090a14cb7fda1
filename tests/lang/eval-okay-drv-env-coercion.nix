# Environment attributes of every type, coerced as CppNix does.
let d = derivation {
  name = "coerce";
  builder = "/bin/sh";
  system = "x86_64-linux";
  int = 42;
  neg = -7;
  float = 0.1;
  big = 1.0e20;
  yes = true;
  no = false;
  nothing = null;
  list = [ 1 "two" [ 3 ] [ ] null true ];
  empty = [ ];
  str = "with \"quotes\" and \\ and\nnewline\ttab";
  unicode = "héllo → wörld";
  file = ./drv-data/hello.txt;
  dir = ./drv-data/dir;
  set = { outPath = "/some/where"; };
  tostr = { __toString = self: "as-string"; };
};
in [ d.drvPath d.outPath ]
