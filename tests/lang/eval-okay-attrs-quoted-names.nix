# quoted attribute names that are not identifiers print quoted
{ "a b" = 1; "1a" = 2; "" = 3; "a.b" = 4; }
