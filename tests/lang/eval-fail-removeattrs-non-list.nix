# removeAttrs with a string instead of a list of names
removeAttrs { a = 1; } "a"
