# trailing spaces on a text line are kept
''
  a  
  b
''
