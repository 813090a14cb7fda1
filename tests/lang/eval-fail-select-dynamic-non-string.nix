# selecting with a dynamic name that is not a string
{ a = 1; }.${1}
