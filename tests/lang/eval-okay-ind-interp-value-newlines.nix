# newlines in an interpolated value are not re-indented
let x = "1\n    2"; in ''
  ${x}
  3
''
