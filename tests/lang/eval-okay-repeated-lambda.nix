# shared functions are not marked repeated
let f = x: x; in [ f f ]
