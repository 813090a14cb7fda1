# or gives a default for a missing attribute
{ a = 1; }.b or "default"
