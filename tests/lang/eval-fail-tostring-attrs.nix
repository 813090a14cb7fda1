# toString of a plain set
toString { a = 1; }
