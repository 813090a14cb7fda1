# a list shared twice prints «repeated» the second time
let l = [ 1 ]; in [ l l ]
