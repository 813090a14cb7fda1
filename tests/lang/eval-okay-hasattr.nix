# hasAttr on a present and a missing name
[ (builtins.hasAttr "a" { a = 1; }) (builtins.hasAttr "b" { a = 1; }) ]
