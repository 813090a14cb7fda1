# helper: a function doubling its argument
x: x * 2
