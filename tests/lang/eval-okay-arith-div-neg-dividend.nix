# integer division truncates towards zero for a negative dividend
(-7) / 2
