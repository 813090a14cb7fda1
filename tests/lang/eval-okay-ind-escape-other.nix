# ''\ before another character yields that character
''''\q''\\''
