# tail of the empty list
builtins.tail [ ]
