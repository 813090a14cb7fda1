# global names are the same builtins as in the builtins set
[ (map (x: x) [ 1 ]) (builtins.map (x: x) [ 1 ]) (removeAttrs { a = 1; } [ "a" ]) (baseNameOf "a/b") (dirOf "a/b") (isNull null) ]
