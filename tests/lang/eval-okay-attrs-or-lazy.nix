# the default of or is not evaluated when unused
{ a = 1; }.a or (throw "not evaluated")
