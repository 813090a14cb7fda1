# fromTOML of empty documents and comments only
map builtins.fromTOML [ "" "\n" "# comment\n" "  \n# a\n\n" ]
