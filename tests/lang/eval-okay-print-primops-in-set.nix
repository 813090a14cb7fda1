# builtins and partial applications inside a set
{ a = builtins.length; b = builtins.map (x: x); c = (x: x); }
