# dirOf a relative path literal names its parent directory
baseNameOf (dirOf ./a/b)
