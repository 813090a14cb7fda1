# an indented string on one line
''abc''
