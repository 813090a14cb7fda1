# functions inside a list print as lambdas
[ (x: x) builtins.head (builtins.add 1) ]
