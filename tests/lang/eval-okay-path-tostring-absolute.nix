# toString of an absolute path is its text
toString /a/b
