# inherit of a name that is not bound
{ inherit notBound; }
