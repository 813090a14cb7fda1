# __add is a global alias of builtins.add
__add 1 2
