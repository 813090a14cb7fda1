# a single quote is literal in an indented string
''it's''
