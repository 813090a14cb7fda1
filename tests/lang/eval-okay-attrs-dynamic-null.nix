# a dynamic attribute whose name is null is left out
{ ${null} = 1; b = 2; }
