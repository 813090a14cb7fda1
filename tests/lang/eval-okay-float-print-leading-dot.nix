# a float literal may start with a dot
.5
