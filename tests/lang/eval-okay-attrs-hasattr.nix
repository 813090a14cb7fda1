# ? tests for an attribute
{ a = 1; } ? a
