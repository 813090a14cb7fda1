# a-b without spaces is one identifier, which is undefined here
let a = 5; b = 2; in a-b
