# ''' is a literal pair of single quotes
''a''' b''
