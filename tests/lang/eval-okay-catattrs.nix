# catAttrs collects an attribute from each set that has it
builtins.catAttrs "a" [ { a = 1; } { b = 2; } { a = 3; } ]
