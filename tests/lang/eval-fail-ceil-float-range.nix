# builtins.ceil of a float beyond the integer range is an error in current CppNix (older versions wrapped).
builtins.ceil (-1.0e20)
