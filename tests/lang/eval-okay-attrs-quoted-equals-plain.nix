# a quoted simple name is the same attribute as the plain name
{ "a" = 1; }.a
