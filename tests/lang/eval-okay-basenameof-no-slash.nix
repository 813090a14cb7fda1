# baseNameOf a string without slashes
baseNameOf "file"
