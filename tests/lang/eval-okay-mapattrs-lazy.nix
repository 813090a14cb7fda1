# mapAttrs does not call the function for unused attributes
(builtins.mapAttrs (n: v: throw "lazy") { a = 1; }) ? a
