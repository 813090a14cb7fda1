# a selection is a single list element
let a = { b = 1; }; in [ a.b a.b ]
