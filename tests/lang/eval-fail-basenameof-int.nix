# baseNameOf of an integer
baseNameOf 1
