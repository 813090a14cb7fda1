# throw with an argument that cannot become a string
throw { }
