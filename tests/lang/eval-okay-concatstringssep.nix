# concatStringsSep joins with a separator
builtins.concatStringsSep ", " [ "a" "b" "c" ]
