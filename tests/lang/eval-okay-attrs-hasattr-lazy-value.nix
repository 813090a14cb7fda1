# ? does not evaluate the attribute's value
{ a = throw "not evaluated"; } ? a
