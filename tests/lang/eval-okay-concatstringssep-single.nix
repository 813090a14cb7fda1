# concatStringsSep of one element adds no separator
builtins.concatStringsSep "-" [ "x" ]
