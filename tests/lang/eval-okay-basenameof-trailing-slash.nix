# baseNameOf ignores a trailing slash
baseNameOf "a/b/"
