# assert without a semicolon before the body
assert true 1
