# a closing brace inside a nested string does not end the interpolation
"<${"}"}>"
