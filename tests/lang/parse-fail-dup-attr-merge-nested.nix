# sets merged recursively name the full path of the clash
{ x.a = { b = 1; }; x = { a = { b = 2; }; }; }
