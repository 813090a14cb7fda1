# - associates to the left
10 - 4 - 3
