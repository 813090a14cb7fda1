# names with dashes, primes and underscores need no quotes
{ "a-b" = 1; "a'" = 2; "_x" = 3; "A1" = 4; }
