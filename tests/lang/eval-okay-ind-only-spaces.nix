# an indented string of only spaces on one line
''   ''
