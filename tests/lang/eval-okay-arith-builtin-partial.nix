# a partially applied arithmetic builtin used later
let inc = builtins.add 1; in inc (inc 5)
