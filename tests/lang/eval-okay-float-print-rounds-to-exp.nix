# rounding 999999.5 to six digits gives exponent form
999999.5
