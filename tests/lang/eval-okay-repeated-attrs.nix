# a set shared twice prints «repeated» the second time
let s = { a = 1; }; in [ s s ]
