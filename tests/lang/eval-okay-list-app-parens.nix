# with parentheses a list holds the application result
let f = x: x + 1; in [ (f 1) ]
