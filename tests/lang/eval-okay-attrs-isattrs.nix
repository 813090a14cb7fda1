# isAttrs on a set and a list
[ (builtins.isAttrs { }) (builtins.isAttrs [ ]) ]
