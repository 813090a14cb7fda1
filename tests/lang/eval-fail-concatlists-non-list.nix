# concatLists of a list that holds a non-list
builtins.concatLists [ [ 1 ] 2 ]
