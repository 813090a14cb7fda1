# attribute sets compare deeply
{ a = { b = [ 1 ]; }; c = "x"; } == { c = "x"; a = { b = [ 1 ]; }; }
