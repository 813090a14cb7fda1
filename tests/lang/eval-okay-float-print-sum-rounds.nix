# 0.1 + 0.2 prints rounded to 0.3
0.1 + 0.2
