# catAttrs over a list holding a non-set
builtins.catAttrs "a" [ { a = 1; } 2 ]
