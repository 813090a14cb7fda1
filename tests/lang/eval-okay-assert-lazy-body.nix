# assert evaluates its condition first, then the body
assert true; assert true; 3
