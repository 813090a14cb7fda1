# a string that never ends
"abc
