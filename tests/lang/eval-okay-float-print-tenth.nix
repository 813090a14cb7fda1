# 0.1 prints as 0.1
0.1
