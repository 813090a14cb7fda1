# the empty set prints with a space inside
{ }
