# a negative integer literal
-5
