# a line of only spaces longer than the indentation keeps the excess
''
  a
      
  b
''
