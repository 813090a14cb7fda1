# ''\t is a tab escape
''a''\tb''
