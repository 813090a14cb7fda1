# negative integers order below positive ones
-5 < 1
