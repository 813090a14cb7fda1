# substring clamps a length that runs past the end
builtins.substring 4 100 "abcdef"
