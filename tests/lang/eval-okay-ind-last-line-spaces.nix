# a final line of only spaces before the closing quotes is removed
''
  a
  ''
