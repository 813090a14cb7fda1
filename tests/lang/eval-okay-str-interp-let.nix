# a let expression inside an interpolation
"${let x = "in"; in x}side"
