# a lambda without a body
x:
