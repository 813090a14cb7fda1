# a block comment that never ends
1 /* never closed
