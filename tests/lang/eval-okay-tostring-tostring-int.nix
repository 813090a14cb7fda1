# a __toString result that is an integer is coerced to a string
toString { __toString = self: 42; }
