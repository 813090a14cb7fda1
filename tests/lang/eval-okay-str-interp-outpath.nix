# a set with outPath interpolates as that string
let d = { outPath = "/some/out"; }; in "path: ${d}"
