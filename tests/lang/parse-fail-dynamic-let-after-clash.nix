# A clash among the bindings of a let is reported before a dynamic attribute in it.
let x = "b"; in let ${x} = 1; a = 1; a = 2; in 1
