# negative integers print with a minus sign
[ (-1) (0 - 5) ]
