# a string inside an interpolation may contain escaped quotes
"a${"\"q\""}b"
