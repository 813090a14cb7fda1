# ? on a non-set is false
1 ? a
