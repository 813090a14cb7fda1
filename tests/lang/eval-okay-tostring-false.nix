# toString false is the empty string
toString false
