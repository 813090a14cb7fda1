# empty list and empty set are not equal
[ ] == { }
