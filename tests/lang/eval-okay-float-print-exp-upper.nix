# an upper-case exponent marker
2.5E3
