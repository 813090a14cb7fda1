# a failing assertion
assert 1 > 2; "unreachable"
