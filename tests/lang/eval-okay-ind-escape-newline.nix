# ''\n is a newline escape
''a''\nb''
