# .. inside a path literal is resolved
baseNameOf ./a/../b
