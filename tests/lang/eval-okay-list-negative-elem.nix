# negative numbers in a list need parentheses
[ (-1) 2 ]
