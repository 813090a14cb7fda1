# concatStringsSep with an empty separator
builtins.concatStringsSep "" [ "a" "b" ]
