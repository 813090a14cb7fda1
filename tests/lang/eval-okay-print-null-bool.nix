# null and Booleans print as keywords
[ null true false ]
