# inherit of a global builtin name
{ inherit toString; }.toString 5
