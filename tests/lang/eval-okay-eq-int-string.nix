# values of different types are unequal without error
1 == "1"
