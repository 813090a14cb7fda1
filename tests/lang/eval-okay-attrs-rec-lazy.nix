# an unused throwing attribute in rec is not evaluated
(rec { a = 1; b = throw "not evaluated"; }).a
