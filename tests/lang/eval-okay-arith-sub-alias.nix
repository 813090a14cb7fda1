# the __sub alias is the same primop as builtins.sub
__sub 3 5
