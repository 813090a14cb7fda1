# with builtins makes builtins available unprefixed
with builtins; length (attrNames { a = 1; b = 2; })
