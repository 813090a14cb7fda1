# with inside a rec set
with { a = 1; }; rec { b = a; c = b + 1; }
