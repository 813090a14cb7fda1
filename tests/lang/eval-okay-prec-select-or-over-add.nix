# the or default belongs to the selection, before +
{ a = 1; }.b or 2 + 3
