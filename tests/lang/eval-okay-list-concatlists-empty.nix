# concatLists of an empty list
builtins.concatLists [ ]
