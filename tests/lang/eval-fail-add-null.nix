# adding null and an integer
null + 1
