# head of the empty list
builtins.head [ ]
