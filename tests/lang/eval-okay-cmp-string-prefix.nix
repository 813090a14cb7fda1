# a prefix sorts before the longer string
"ab" < "abc"
