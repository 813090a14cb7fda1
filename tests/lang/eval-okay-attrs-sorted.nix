# attributes print in sorted order
{ zeta = 1; alpha = 2; mid = 3; }
