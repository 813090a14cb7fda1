# == binds tighter than &&
1 == 1 && 2 == 2
