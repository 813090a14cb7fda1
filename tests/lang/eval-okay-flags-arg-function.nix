# --arg can pass a builtin function
{ f }: f 4
