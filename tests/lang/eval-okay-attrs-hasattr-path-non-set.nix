# ? is false when an intermediate value is not a set
{ a = 1; } ? a.b
