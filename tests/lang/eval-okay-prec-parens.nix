# parentheses override precedence
(2 + 3) * 4
