# ../ goes up from the directory of the file
baseNameOf ../lang/x
