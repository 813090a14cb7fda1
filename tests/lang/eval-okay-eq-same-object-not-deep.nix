# The same value object inside two lists is equal to itself without its members being forced
let x = { a = throw "not forced"; }; l = [ (throw "not forced") ]; in [ ([ x ] == [ x ]) ({ b = l; } == { b = l; }) ]
