# toString of a tiny float rounds to zero decimals
toString 1.5e-7
