# functions inside sets print as lambdas
{ f = x: x; g = builtins.map; h = builtins.map (x: x); }
