# an indented string of only empty lines
''


''
