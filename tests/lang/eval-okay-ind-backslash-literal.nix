# a plain backslash sequence is literal in an indented string
''a\nb''
