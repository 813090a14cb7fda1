# the subject is not coerced
builtins.match "a" ./lib/data.txt
