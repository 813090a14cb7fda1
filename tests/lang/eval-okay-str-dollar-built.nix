# a dollar-brace assembled by concatenation prints escaped
"$" + "{"
