# filter can remove everything
builtins.filter (x: false) [ 1 2 ]
