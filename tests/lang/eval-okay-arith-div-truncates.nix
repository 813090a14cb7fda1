# integer division truncates
7 / 2
