# ? binds tighter than ==
{ a = 1; } ? a == true
