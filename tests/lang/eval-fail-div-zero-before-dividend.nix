# Division checks its divisor first (as a float) and whether it is zero, before the dividend.
"a" / 0
