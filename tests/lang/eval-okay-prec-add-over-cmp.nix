# + binds tighter than <
1 + 1 < 3
