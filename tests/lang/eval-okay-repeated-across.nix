# the repeated marker is used across attributes in print order
let s = { a = 1; }; in { x = s; y = [ s ]; }
