# a final line of only spaces is removed even when deeper than the indentation
''
  a
      ''
