# Division wants a float as divisor, even when the dividend is an integer.
1 / "a"
