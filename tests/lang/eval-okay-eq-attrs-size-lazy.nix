# sets of different sizes are unequal without evaluating values
{ a = throw "not evaluated"; } == { }
