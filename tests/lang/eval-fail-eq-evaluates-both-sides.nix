# == between a function result and a throw evaluates both sides
(x: x) 1 == throw "right side"
