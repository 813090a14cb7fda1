# concatStringsSep of the empty list
builtins.concatStringsSep "-" [ ]
