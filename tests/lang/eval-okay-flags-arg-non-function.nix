# --arg is ignored when the file is not a function
"not a function"
