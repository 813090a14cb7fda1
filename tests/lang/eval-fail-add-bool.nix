# adding Booleans
true + false
