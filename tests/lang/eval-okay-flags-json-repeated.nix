# --json prints shared values in full each time
let s = { x = 1; }; in [ s s ]
