# closing quotes on the last text line leave no trailing newline
''
  a
  b''
