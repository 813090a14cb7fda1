# an escaped backslash
"a\\b"
