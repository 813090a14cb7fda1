# selecting a missing attribute
{ a = 1; }.b
