# match with an invalid pattern fails before forcing the string
builtins.match "(" (throw "the string is not forced")
