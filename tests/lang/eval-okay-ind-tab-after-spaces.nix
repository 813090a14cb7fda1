# a tab after spaces stops the indentation count
''
  	a
  b
''
