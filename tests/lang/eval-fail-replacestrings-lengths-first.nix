# builtins.replaceStrings checks the list lengths before forcing the string.
builtins.replaceStrings [ "a" ] [ ] (throw "subject forced")
