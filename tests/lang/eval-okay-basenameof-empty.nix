# baseNameOf the empty string
baseNameOf ""
