# ... must be the last formal
{ ..., a }: a
