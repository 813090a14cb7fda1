# an interpolation at the start of a line counts as text for indentation
let x = "X"; in ''
    ${x}
  b
''
