# a lone dollar is literal in an indented string
''a $ b $''
