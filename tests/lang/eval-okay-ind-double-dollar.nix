# $${ in an indented string is literal
''$${x}''
