# a relative path literal has type path
builtins.typeOf ./foo
