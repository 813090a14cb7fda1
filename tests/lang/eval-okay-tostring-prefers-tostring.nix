# __toString wins over outPath
toString { outPath = "out"; __toString = self: "ts"; }
