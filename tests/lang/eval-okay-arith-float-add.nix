# float addition
1.5 + 2.25
