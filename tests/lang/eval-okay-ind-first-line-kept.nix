# text on the first line counts towards indentation
''  x
  y''
