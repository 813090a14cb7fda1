# escapes in the middle of a line
''
  x''$y
''
