# empty sets and lists are never marked repeated
let e = { }; l = [ ]; in [ e e l l ]
