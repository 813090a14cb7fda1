# the empty string is the smallest string
"" < "a"
