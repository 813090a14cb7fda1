# dirOf "/" is "/"
dirOf "/"
