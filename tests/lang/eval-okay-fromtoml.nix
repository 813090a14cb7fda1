# fromTOML: tables, arrays, inline tables, dotted keys, strings of every kind, numbers
builtins.fromTOML ''
  title = "TOML"
  int = [ +99, 42, 0, -17, 1_000, 0xDEADBEEF, 0o755, 0b1101 ]
  float = [ +1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991 ]
  special = [ inf, -inf, +inf ]
  bool = [ true, false ]
  str = [ "basic \"q\" \t \u00e9 \U0001F600", 'literal \n', """
  multi
  line \
      continued""", ''''
raw '''' ]
  "quoted key" = 1
  dotted.key.here = 2
  site."google.com" = true
  empty = []
  mixed = [ [1, 2], ["a", "b"], [ { x = 1 } ] ]

  [table]
  inline = { a = 1, b = { c = "d" } }

  [table.sub]
  x = 1

  [[products]]
  name = "Hammer"
  sku = 738594937

  [[products]]

  [[products]]
  name = "Nail"
  color = "gray"
''
