# spaces inside an interpolated value are not stripped
let x = "   y"; in ''
  ${x}
''
