# a negative number in a list needs parentheses
[ 1 -1 ]
