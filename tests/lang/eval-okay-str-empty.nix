# the empty string
""
