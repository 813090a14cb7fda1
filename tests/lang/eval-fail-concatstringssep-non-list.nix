# concatStringsSep with a string instead of a list
builtins.concatStringsSep "," "a"
