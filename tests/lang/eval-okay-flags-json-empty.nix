# --json prints empty containers
{ l = [ ]; s = { }; e = ""; }
