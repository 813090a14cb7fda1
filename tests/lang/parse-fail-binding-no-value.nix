# a binding with no value
{ a = ; }
