# a plain function argument is lazy
(x: "ignored") (throw "not evaluated")
