# * binds tighter than +
2 + 3 * 4
