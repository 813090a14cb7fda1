# the innermost with wins among withs
with { x = 1; }; with { x = 2; }; x
