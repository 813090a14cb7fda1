# equality operators do not chain
1 == 1 == true
