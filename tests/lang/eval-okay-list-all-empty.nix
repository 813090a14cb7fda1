# all of the empty list is true
builtins.all (x: false) [ ]
