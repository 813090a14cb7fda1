# __curPos gives the line and column where it appears
let p = __curPos; in [ p.line p.column ]
