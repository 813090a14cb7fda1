# a formal default without a value
{ a ? }: a
