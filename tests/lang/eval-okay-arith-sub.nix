# integer subtraction giving a negative result
3 - 10
