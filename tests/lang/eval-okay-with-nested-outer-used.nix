# an outer with supplies names the inner one lacks
with { x = 1; }; with { y = 2; }; x
