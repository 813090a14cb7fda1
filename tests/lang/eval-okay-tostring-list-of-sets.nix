# sets with outPath in a list are coerced
toString [ { outPath = "a"; } { __toString = s: "b"; } ]
