# or applies to a whole missing path
{ a = { }; }.a.b.c or "default"
