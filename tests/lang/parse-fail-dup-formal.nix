# the same formal argument twice
{ a, a }: a
