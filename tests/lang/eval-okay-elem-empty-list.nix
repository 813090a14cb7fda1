# builtins.elem forces the list first and the element only to compare it with a member.
[ (builtins.elem (throw "element") [ ]) (builtins.elem 2 [ 1 2 ]) (builtins.elem [ 1 ] [ [ 1 ] ]) ]
