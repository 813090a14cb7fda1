# a quoted name repeating a plain name
{ "a" = 1; a = 2; }
