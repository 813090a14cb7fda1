# A backquote after an attribute name: the expected tokens are listed.
{ a ` = 1; }
