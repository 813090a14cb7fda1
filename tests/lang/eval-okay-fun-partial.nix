# a partially applied lambda prints as a lambda
(x: y: x) 1
