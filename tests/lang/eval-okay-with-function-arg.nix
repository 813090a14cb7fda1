# a function argument wins over a with attribute
with { x = "with"; }; (x: x) "arg"
