# / binds tighter than -
20 - 10 / 2
