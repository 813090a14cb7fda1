# A float or integer literal followed directly by letters ends where CppNix's rules end it
let e = 1; E = 2; e3 = 3; a = 4; _0 = 5; in
[ 1.5e 2.5E .5e 1.5e3e3 1.e5 01.5 1.5E+3 1.5e-3 2.E5 1e 1.a 00.5 1_0 .5.5 1..5 ]
