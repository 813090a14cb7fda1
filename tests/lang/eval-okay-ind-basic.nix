# indented string strips the common indentation
''
  a
  b
''
