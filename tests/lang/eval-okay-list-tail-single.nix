# tail of a one-element list is empty
builtins.tail [ 1 ]
