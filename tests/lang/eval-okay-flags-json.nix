# --json prints the value as JSON
{ a = 1; b = [ true null "s" ]; c = { d = 2.5; }; }
