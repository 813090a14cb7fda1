# greater-or-equal on equal strings
"x" >= "x"
