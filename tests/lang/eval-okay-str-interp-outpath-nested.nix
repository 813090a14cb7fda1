# outPath may itself be a set with outPath
let d = { outPath = { outPath = "inner"; }; }; in "${d}"
