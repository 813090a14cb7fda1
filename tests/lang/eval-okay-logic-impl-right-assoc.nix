# -> associates to the right
false -> false -> false
