# null and false in a list become empty words
toString [ null false true ]
