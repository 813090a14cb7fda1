# ''${ is a literal dollar-brace in an indented string
''
  ''${x}
''
