# calling a string
"f" 1
