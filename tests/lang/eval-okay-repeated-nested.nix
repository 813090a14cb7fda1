# a shared set nested in two places
let inner = { v = 1; }; in { a = { i = inner; }; b = { i = inner; }; }
