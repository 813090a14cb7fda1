# toString of the empty list is empty
toString [ ]
