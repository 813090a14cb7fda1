# application associates to the left
(a: b: a - b) 10 3
