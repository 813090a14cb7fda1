# toString of an absolute path literal
toString /x/y
