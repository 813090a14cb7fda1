# a selection dot without a name
{ a = 1; }.
