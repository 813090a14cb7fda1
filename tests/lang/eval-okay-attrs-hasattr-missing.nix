# ? is false for a missing attribute
{ a = 1; } ? b
