# toString of a negative integer
toString (-42)
