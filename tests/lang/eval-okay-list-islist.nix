# isList on a list and a set
[ (builtins.isList [ ]) (builtins.isList { }) ]
