# --json prints object keys in sorted order
{ z = 1; a = 2; "B" = 3; }
