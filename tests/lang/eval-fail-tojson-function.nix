# toJSON refuses functions
builtins.toJSON { a = [ (x: x) ]; }
