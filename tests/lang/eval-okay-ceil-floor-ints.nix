# ceil and floor of integers a float holds exactly return them unchanged; float results at the range edges.
[ (builtins.floor 9007199254740992) (builtins.ceil (-9007199254740992)) (builtins.floor (-2.5)) (builtins.ceil (-0.5)) (builtins.floor (-9223372036854775807 - 1)) (builtins.ceil 5) ]
