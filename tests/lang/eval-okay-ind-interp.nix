# interpolation inside an indented string
let x = "X"; in ''
  a ${x} b
''
