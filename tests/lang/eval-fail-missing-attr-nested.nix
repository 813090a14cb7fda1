# selecting a missing nested attribute
{ a = { }; }.a.b
