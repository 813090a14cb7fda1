# a name not found in any with is undefined
with { a = 1; }; b
