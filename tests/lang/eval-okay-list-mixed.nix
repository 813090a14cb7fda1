# a list holding values of every printable type
[ 1 "s" true null 2.5 /p [ ] { } ]
