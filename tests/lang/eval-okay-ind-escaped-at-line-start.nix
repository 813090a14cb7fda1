# an escape at the start of a line counts as text for indentation
''
    ''${a}
  b
''
