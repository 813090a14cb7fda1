# < binds tighter than ==
1 < 2 == 2 < 3
