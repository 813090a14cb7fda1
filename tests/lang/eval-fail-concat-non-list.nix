# ++ with a non-list operand
[ 1 ] ++ 2
