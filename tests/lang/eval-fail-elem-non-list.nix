# elem on a non-list
builtins.elem 1 { a = 1; }
