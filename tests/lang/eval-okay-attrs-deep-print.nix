# deeply nested values print fully under --strict
{ a = { b = { c = [ { d = [ [ ] ]; } ]; }; }; }
