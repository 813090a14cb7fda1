# a lone dollar sign is literal
"cost: $5"
