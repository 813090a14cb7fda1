# a let in a function body sees the argument
(x: let y = x * 2; in y + 1) 4
