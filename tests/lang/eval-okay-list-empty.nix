# the empty list prints with a space inside
[ ]
