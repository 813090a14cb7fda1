# a failing assertion written with ->
let a = true; b = false; in assert a -> b; "unreachable"
