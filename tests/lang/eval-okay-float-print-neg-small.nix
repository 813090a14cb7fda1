# a small negative float
-0.000012345
