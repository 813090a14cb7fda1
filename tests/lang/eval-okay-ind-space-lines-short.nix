# a line of fewer spaces than the indentation becomes empty
''
    a
 
    b
''
