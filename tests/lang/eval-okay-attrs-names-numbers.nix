# attribute names that start with digits sort by bytes
{ "10" = 1; "9" = 2; "1" = 3; }
