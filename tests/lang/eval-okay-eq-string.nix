# equal strings
"abc" == "abc"
