# helper: the number one
1
