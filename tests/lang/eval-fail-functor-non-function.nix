# a __functor that is not a function
{ __functor = 1; } 2
