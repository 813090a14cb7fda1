# indented strings concatenate like other strings
''a'' + ''
  b
''
