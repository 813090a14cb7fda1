# a first line with only spaces is dropped
''   
  a
''
