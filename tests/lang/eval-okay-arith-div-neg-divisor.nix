# integer division truncates towards zero for a negative divisor
7 / (-2)
