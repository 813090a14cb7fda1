# builtins.floor of an integer a float cannot hold exactly is an error in current CppNix (older versions rounded silently).
builtins.floor 9007199254740993
