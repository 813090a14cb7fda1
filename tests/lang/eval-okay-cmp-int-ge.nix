# greater-or-equal on integers
3 >= 2
