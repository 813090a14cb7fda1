# a set whose outPath is itself fails with the stack overflow error instead of crashing
let x = { outPath = x; }; in "${x}"
