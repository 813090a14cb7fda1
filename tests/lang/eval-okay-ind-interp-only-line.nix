# indentation before an interpolation-only line is stripped
let x = "v"; in ''
      ${x}
''
