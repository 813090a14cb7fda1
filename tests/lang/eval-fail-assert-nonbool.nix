# assert with a non-Boolean condition
assert 1; "unreachable"
