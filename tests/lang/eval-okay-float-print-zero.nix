# 0.0 prints as 0
0.0
