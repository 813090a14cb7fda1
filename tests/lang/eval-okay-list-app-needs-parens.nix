# without parentheses a list holds the function and its argument separately
let f = x: x; in builtins.length [ f 1 ]
