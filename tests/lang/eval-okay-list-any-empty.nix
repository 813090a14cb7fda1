# any of the empty list is false
builtins.any (x: true) [ ]
