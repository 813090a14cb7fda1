# tail drops the first element
builtins.tail [ 1 2 3 ]
