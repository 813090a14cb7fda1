# dividing a string
"6" / 2
