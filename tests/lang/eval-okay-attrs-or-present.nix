# or is ignored when the attribute exists
{ a = 1; }.a or "default"
