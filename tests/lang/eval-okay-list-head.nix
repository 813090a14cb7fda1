# head gives the first element
builtins.head [ "a" "b" ]
