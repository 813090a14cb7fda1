# toString of a relative path is absolute and ends in its name
baseNameOf (toString ./some/file)
