# a set with many attributes prints on one line
builtins.listToAttrs (builtins.genList (i: { name = "k${toString i}"; value = i; }) 12)
