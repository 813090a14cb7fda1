# a set with __toString interpolates as the result of calling it
let v = { n = 4; __toString = self: "n${toString self.n}"; }; in "<${v}>"
