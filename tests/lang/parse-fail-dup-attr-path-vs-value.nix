# an attribute path into a name already bound to a non-set
{ a = 1; a.b = 2; }
