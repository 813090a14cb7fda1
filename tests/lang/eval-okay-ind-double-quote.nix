# double quotes are literal in an indented string
''say "hi"''
