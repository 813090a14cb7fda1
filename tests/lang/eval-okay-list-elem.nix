# elem finds a member
builtins.elem 2 [ 1 2 3 ]
