# an escaped newline starts a new line for indentation stripping
''
  a''\n    b
  c
''
