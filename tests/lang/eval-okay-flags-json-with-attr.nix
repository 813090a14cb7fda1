# --json with -A
{ a = { b = [ 1 2 ]; }; c = throw "not evaluated"; }
