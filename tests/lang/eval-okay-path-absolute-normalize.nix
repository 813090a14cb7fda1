# an absolute path literal is normalised
/foo/../bar/./baz
