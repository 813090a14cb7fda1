# tabs are not indentation and are kept
''
	a
	b
''
