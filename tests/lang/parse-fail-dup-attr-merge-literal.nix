# two literal sets merged: the clash is at the second definition
{ a = { b = 1; }; a = { b = 2; }; }
