# a global builtin name is lexical, so it wins over a with attribute
with { toString = x: "mine"; }; toString 1
