# != binds looser than <=
2 <= 1 != 3 <= 2
