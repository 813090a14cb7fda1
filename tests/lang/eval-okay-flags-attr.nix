# -A selects an attribute path without evaluating the rest
{ a = { b = 3; }; c = throw "not evaluated"; }
