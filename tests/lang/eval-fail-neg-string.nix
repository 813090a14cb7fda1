# negating a string
-"a"
