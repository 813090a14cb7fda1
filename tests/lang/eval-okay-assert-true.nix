# assert with a true condition returns the body
assert 1 < 2; "ok"
