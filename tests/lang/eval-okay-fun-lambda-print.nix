# a lambda prints as <LAMBDA>
x: x
