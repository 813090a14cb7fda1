# an absolute path literal prints as written
/foo/bar
