# 6 / 3 with spaces is a division
6 / 3
