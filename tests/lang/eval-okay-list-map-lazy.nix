# map does not apply the function to elements that are never used
builtins.length (map (x: throw "lazy") [ 1 2 ])
