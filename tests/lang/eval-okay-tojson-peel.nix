# toJSON peels __toString and outPath like current CppNix; paths from __toString stay as they are
builtins.toJSON {
  outPathString = { outPath = "out"; other = 1; };
  outPathSet = { outPath.foo = true; };
  outPathChain = { outPath = { outPath = "deep"; }; };
  toStringString = { __toString = self: "ts"; };
  toStringPath = { __toString = self: /abs/path; };
  toStringThenOutPath = { __toString = self: { outPath = "op"; }; };
  toStringWins = { __toString = self: "ts"; outPath = "op"; };
  path = ./lib/data.txt;
  outPathPath = { outPath = ./lib/data.txt; };
}
