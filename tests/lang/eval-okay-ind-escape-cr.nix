# ''\r is a carriage return escape
''a''\rb''
